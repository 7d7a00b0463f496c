//! Kept phrases claim their words: where "developer experience" occurs,
//! "developer" and "experience" no longer count on their own.
//!
//! The counting pass counts the phrases mining kept (see
//! [`crate::tokenize::phrases`]) beside their words. [`select`] then drops the
//! phrases that are not phrases over the whole run after all and lets the rest
//! take their words' occurrences, per window and longer phrases first, as
//! gensim's `Phraser` would have merged the tokens. It runs on counts, so a merge
//! of shards claims exactly as a run over all the text does.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::{Counts, Packed, TermId};
use crate::tokenize::phrases::{PhraseMode, PhraseOptions, npmi};

/// A phrase kept by [`select`].
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Phrase {
    /// The phrase's term (stems and connectors).
    pub term: String,
    /// How people read it.
    pub label: String,
    /// Occurrences in the run (before longer phrases claimed any).
    pub count: u64,
    /// Its NPMI.
    pub npmi: f64,
    /// Whether the user listed it.
    pub listed: bool,
}

/// Keeps the candidates that are phrases and drops the rest; kept phrases claim
/// their words' occurrences, longer phrases first. Returns the adjusted counts and
/// the phrases kept, best first.
pub fn select(counts: Counts, options: &PhraseOptions) -> (Counts, Vec<Phrase>) {
    let total: u64 = counts
        .terms
        .iter()
        .filter(|t| !t.is_phrase())
        .map(|t| t.total)
        .sum();
    let mut keep = vec![true; counts.terms.len()];
    let mut kept: Vec<(TermId, Phrase)> = Vec::new();
    for (id, info) in counts.terms.iter().enumerate() {
        if !info.is_phrase() {
            continue;
        }
        let word_counts: Vec<u64> = info
            .components
            .iter()
            .map(|c| counts.find(c).map_or(0, |w| counts.terms[w as usize].total))
            .collect();
        let score = npmi(info.total, &word_counts, total);
        let listed = options.listed.binary_search(&info.term).is_ok();
        let mined = options.mode == PhraseMode::Auto
            && info.total >= options.min_count
            && score >= options.threshold;
        if listed || mined {
            kept.push((
                id as TermId,
                Phrase {
                    term: info.term.clone(),
                    label: counts.label(id as TermId),
                    count: info.total,
                    npmi: score,
                    listed,
                },
            ));
        } else {
            keep[id] = false;
        }
    }

    let kept_ids: Vec<TermId> = kept.iter().map(|(id, _)| *id).collect();
    let counts = claim_kept(counts, &kept_ids, &keep);
    let mut phrases: Vec<Phrase> = kept.into_iter().map(|(_, p)| p).collect();
    phrases.sort_by(|a, b| b.count.cmp(&a.count).then(a.term.cmp(&b.term)));
    (counts, phrases)
}

/// Lets the phrases `kept` (their terms, as [`select`] kept them over the whole
/// timeline) claim their words in `counts`, a part of that timeline (one
/// speaker's), and drops the other phrase candidates: the part is claimed as the
/// whole was, whatever its own phrase statistics.
pub fn apply(counts: Counts, kept: &[Phrase]) -> Counts {
    let kept: rustc_hash::FxHashSet<&str> = kept.iter().map(|p| p.term.as_str()).collect();
    let is_kept = |term: &str| kept.contains(term);
    let keep: Vec<bool> = counts
        .terms
        .iter()
        .map(|t| !t.is_phrase() || is_kept(&t.term))
        .collect();
    let kept_ids: Vec<TermId> = counts
        .terms
        .iter()
        .enumerate()
        .filter(|(_, t)| t.is_phrase() && is_kept(&t.term))
        .map(|(id, _)| id as TermId)
        .collect();
    claim_kept(counts, &kept_ids, &keep)
}

/// The kept phrases `kept` claim their words' occurrences, longer phrases first;
/// then the terms `keep` does not keep go.
fn claim_kept(counts: Counts, kept: &[TermId], keep: &[bool]) -> Counts {
    // Longer phrases claim first: a kept "open telemetry collector" takes its
    // occurrences from "open telemetry" and from the three words. What a phrase
    // claims: its words, and the shorter kept phrases inside it.
    // Per kept phrase: its length, and what it claims.
    let claims: FxHashMap<TermId, (usize, Vec<TermId>)> = {
        // Phrases that differ only in connectors share their components.
        let mut kept_ids: FxHashMap<&[String], Vec<TermId>> = FxHashMap::default();
        for id in kept {
            kept_ids
                .entry(counts.terms[*id as usize].components.as_slice())
                .or_default()
                .push(*id);
        }
        kept.iter()
            .map(|&id| {
                let components = &counts.terms[id as usize].components;
                let mut claimed: Vec<TermId> = (2..components.len())
                    .flat_map(|n| components.windows(n))
                    .filter_map(|inner| kept_ids.get(inner))
                    .flatten()
                    .copied()
                    .collect();
                // An inner phrase is claimed once, even where it fits twice.
                claimed.sort_unstable();
                claimed.dedup();
                claimed.extend(components.iter().filter_map(|c| counts.find(c)));
                (id, (components.len(), claimed))
            })
            .collect()
    };
    let order = |id: TermId| (std::cmp::Reverse(claims[&id].0), id);
    // Claims one window's counts.
    let claim = |terms: &mut Vec<(TermId, u64)>| {
        let mut present: Vec<TermId> = terms
            .iter()
            .filter(|(id, _)| claims.contains_key(id))
            .map(|&(id, _)| id)
            .collect();
        if present.is_empty() {
            return;
        }
        present.sort_by_key(|&id| order(id));
        for id in present {
            let Some(n) = count_in(terms, id) else {
                continue;
            };
            for &claimed in &claims[&id].1 {
                subtract_in(terms, claimed, n);
            }
        }
        terms.retain(|&(_, n)| n > 0);
    };
    let mut counts = counts;
    counts.windows.par_iter_mut().for_each(|window| {
        // Decoded one window at a time, claimed, packed again.
        let mut terms = window.terms.to_vec();
        claim(&mut terms);
        window.terms = Packed::from_sorted(&terms);
    });
    // Units keep their words: segmentation reads words alone, and a chapter's
    // title lets a phrase take the place of its words itself.
    if keep.iter().all(|&k| k) {
        return counts;
    }
    counts.retain(keep)
}

fn count_in(terms: &[(TermId, u64)], id: TermId) -> Option<u64> {
    terms
        .binary_search_by_key(&id, |&(t, _)| t)
        .ok()
        .map(|i| terms[i].1)
        .filter(|&n| n > 0)
}

fn subtract_in(terms: &mut [(TermId, u64)], id: TermId, n: u64) {
    if let Ok(i) = terms.binary_search_by_key(&id, |&(t, _)| t) {
        terms[i].1 = terms[i].1.saturating_sub(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::CountBuilder;

    #[test]
    fn selected_phrases_claim_their_words() {
        let mut b = CountBuilder::new();
        for _ in 0..4 {
            b.add("develop", "developer", 0..1);
            b.add("experi", "experience", 0..1);
            b.add_phrase(
                "develop experi",
                "developer experience",
                &["develop", "experi"],
                0..1,
            );
        }
        b.add("experi", "experience", 1..2);
        for w in ["alpha", "beta", "gamma", "delta"] {
            b.add(w, w, 1..2);
        }
        b.add_phrase("alpha beta", "alpha beta", &["alpha", "beta"], 1..2);
        let (counts, phrases) = select(b.finish(2), &PhraseOptions::default());
        assert_eq!(phrases.len(), 1);
        assert_eq!(phrases[0].label, "developer experience");
        assert!(
            counts.find("alpha beta").is_none(),
            "seen once: not a phrase"
        );
        let id = |t: &str| counts.find(t).unwrap();
        assert_eq!(counts.windows[0].terms, [(id("develop experi"), 4)]);
        assert!(
            counts.windows[1]
                .terms
                .to_vec()
                .contains(&(id("experi"), 1))
        );
    }

    #[test]
    fn listed_phrases_always_count() {
        let mut b = CountBuilder::new();
        b.add("servic", "service", 0..1);
        b.add("mesh", "mesh", 0..1);
        b.add_phrase("servic mesh", "service mesh", &["servic", "mesh"], 0..1);
        let options = PhraseOptions {
            mode: PhraseMode::Listed,
            listed: vec!["servic mesh".into()],
            ..PhraseOptions::default()
        };
        let (counts, phrases) = select(b.finish(1), &options);
        assert!(phrases[0].listed);
        assert!(counts.find("servic mesh").is_some());
    }

    #[test]
    fn a_part_is_claimed_by_the_phrases_of_the_whole() {
        let mut whole = CountBuilder::new();
        let mut part = CountBuilder::new();
        for b in [&mut whole, &mut part] {
            b.add("develop", "developer", 0..1);
            b.add("experi", "experience", 0..1);
            b.add_phrase(
                "develop experi",
                "developer experience",
                &["develop", "experi"],
                0..1,
            );
            b.add("alpha", "alpha", 0..1);
            b.add("beta", "beta", 0..1);
            b.add_phrase("alpha beta", "alpha beta", &["alpha", "beta"], 0..1);
        }
        for _ in 0..4 {
            whole.add("develop", "developer", 0..1);
            whole.add("experi", "experience", 0..1);
            whole.add_phrase(
                "develop experi",
                "developer experience",
                &["develop", "experi"],
                0..1,
            );
        }
        let (_, phrases) = select(whole.finish(1), &PhraseOptions::default());
        assert_eq!(phrases.len(), 1);
        // Once in the part: not a phrase of its own, but one of the whole.
        let part = apply(part.finish(1), &phrases);
        let id = |t: &str| part.find(t).unwrap();
        assert!(part.find("alpha beta").is_none());
        assert_eq!(
            part.windows[0].terms,
            [(id("alpha"), 1), (id("beta"), 1), (id("develop experi"), 1)]
        );
    }
}
