//! Themes of a timeline: a lexicon's, measured on the counts, or discovered
//! from chunks of the text by NMF.

use std::ops::Range;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::Pipeline;
use super::corpus::Feed;
use super::passes::{Analysis, Placing};
use crate::Error;
use crate::count::speakers::{SpeakerCounts, UNKNOWN};
use crate::count::{Counts, Packed, TermId};
use crate::score::vocabulary_mask;
use crate::stem::Language;
use crate::theme::discover::Chunk;
use crate::theme::{self, Theme, ThemeWindow};
use crate::timeline::DiscoveryReport;
use crate::tokenize::passages::Boilerplate;
use crate::tokenize::phrases::{self, KeptPhrases};
use crate::tokenize::{Analyzer, TokenStats};
use crate::window::Windows;

/// A timeline's themes, their windows, and how discovery went.
pub(crate) type GroupThemes = (Vec<Theme>, Vec<ThemeWindow>, Option<DiscoveryReport>);

/// A timeline's speakers: their names and counts (claimed), and the names of the
/// run's speakers by ingest index, which chunks of the text carry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SpeakerParts<'a> {
    /// The timeline's speakers, sorted by name.
    pub speakers: &'a [SpeakerCounts],
    /// The run's speaker names by ingest index (empty without the text).
    pub names: &'a [String],
}

impl Pipeline {
    /// The run's terms for a lexicon entry: its stem (or protected form), or for
    /// several words the phrase key, in each of `languages` (the languages the
    /// text was analysed in). Only those: under `language auto` the run has an
    /// analyzer for every language, and another language's stem of an English
    /// entry ("securities" → "securit") can be an unrelated English term.
    pub(crate) fn lexicon_keys(&self, text: &str, languages: &[Language]) -> Vec<String> {
        let mut keys = Vec::new();
        let analyzers: Vec<&Analyzer> = match languages {
            // Sources that were never read have no language; the run's first
            // analyzer stands for them.
            [] => self.analyzers.all().take(1).collect(),
            _ => languages.iter().map(|&l| self.analyzers.get(l)).collect(),
        };
        for analyzer in analyzers {
            if let Some(key) = phrases::phrase_key(analyzer, text) {
                keys.push(key);
                continue;
            }
            // Several words that do not make a phrase key ("getting started", whose
            // first word is a stop word) must not match one of their words alone.
            if text.split_whitespace().count() > 1 {
                continue;
            }
            let mut words = Vec::new();
            analyzer.tokens(text, &mut TokenStats::default(), |token| {
                words.push(token.term.clone())
            });
            if let [word] = words.as_slice() {
                keys.push(word.clone());
            }
        }
        keys.sort();
        keys.dedup();
        keys
    }

    /// The themes of one timeline's counts and each window's theme tokens: the
    /// lexicon's, or discovered from chunks of the text, which `feed` hands on
    /// (`None` when only counts are at hand, as in a merge of shards), without
    /// the terms of `boilerplate`. A lexicon's entries are matched in the
    /// languages of `analysed_in`. Beside them, each window's theme tokens of
    /// each of `speakers`, measured the same way: the speakers' tokens of a
    /// theme in a window add up to the window's.
    pub(crate) fn themes(
        &self,
        feed: Option<(&Feed<'_>, &[Language], Option<&Boilerplate>)>,
        analysed_in: &[Language],
        windows: &Windows,
        counts: &Counts,
        boilerplate: &[bool],
        speakers: SpeakerParts<'_>,
    ) -> Result<(GroupThemes, Vec<Vec<ThemeWindow>>), Error> {
        let parts: Vec<&Counts> = speakers.speakers.iter().map(|s| &s.counts).collect();
        if let Some(lexicon) = &self.lexicon {
            let themes =
                Theme::from_lexicon(lexicon, counts, |text| self.lexicon_keys(text, analysed_in));
            let windows = theme::lexicon_windows(
                &themes,
                counts,
                self.config.theme_weight,
                self.config.as_of,
            );
            let by_speaker = theme::lexicon_part_windows(
                &themes,
                counts,
                &parts,
                self.config.theme_weight,
                self.config.as_of,
            );
            return Ok(((themes, windows, None), by_speaker));
        }
        let no_themes = |counts: &Counts| -> Vec<ThemeWindow> {
            counts
                .windows
                .iter()
                .map(|w| ThemeWindow::from_tokens(Vec::new(), w.tokens))
                .collect()
        };
        let Some(options) = self.config.discover_options() else {
            let by_speaker = parts.iter().map(|p| no_themes(p)).collect();
            return Ok(((Vec::new(), no_themes(counts), None), by_speaker));
        };
        let Some((feed, languages, passages)) = feed else {
            return Err(Error::DiscoveryNeedsText);
        };
        let tokens: u64 = counts.windows.iter().map(|w| w.tokens).sum();
        let chunk_tokens = options.chunk_length(tokens);
        let (chunks, chunk_speakers) =
            self.chunks(feed, languages, passages, windows, counts, chunk_tokens)?;
        // Boilerplate would make themes of its own: intros, sponsor reads, URLs.
        let mut mask = vocabulary_mask(counts, self.config.min_count);
        for (kept, &boilerplate) in mask.iter_mut().zip(boilerplate) {
            *kept &= !boilerplate;
        }
        // The words that never title a chapter never name a theme either; only
        // the terms discovery may use can name one.
        let mut candidates = (0..mask.len() as u32).filter(|&t| mask[t as usize]);
        let unnameable = self.unnameable(counts, &mut candidates);
        let found = theme::discover::discover(&chunks, counts, &mask, &unnameable, &options);
        let report = DiscoveryReport {
            themes: options.k,
            chunks: found.shape.0,
            chunk_tokens,
            terms: found.shape.1,
            relative_error: found.relative_error,
            iterations: found.iterations,
            background_share: found.background_share,
        };
        let by_speaker = speaker_theme_windows(
            found.themes.len(),
            &found.chunk_themes,
            &chunks,
            &chunk_speakers,
            speakers,
        );
        Ok(((found.themes, found.windows, Some(report)), by_speaker))
    }

    /// Cuts a feed into chunks for theme discovery: stretches of one document
    /// whose tokens fall in the same windows, of at least `chunk_tokens` tokens
    /// (the last of a document may be shorter), counted against `counts`'s
    /// vocabulary with kept phrases claiming their words. A chunk may continue
    /// from one batch into the next. Beside each chunk: its tokens per speaker
    /// (ingest index; `None` for segments without one), which may change inside
    /// a chunk.
    pub(crate) fn chunks(
        &self,
        feed: &Feed<'_>,
        languages: &[Language],
        passages: Option<&Boilerplate>,
        windows: &Windows,
        counts: &Counts,
        chunk_tokens: u64,
    ) -> Result<(Vec<Chunk>, Vec<ChunkSpeakers>), Error> {
        /// Segments analysed at once: bounds the memory of the per-segment pieces.
        const BLOCK: usize = 16_384;
        let ids: FxHashMap<&str, TermId> = counts
            .terms
            .iter()
            .enumerate()
            .map(|(id, info)| (info.term.as_str(), id as TermId))
            .collect();
        let kept = KeptPhrases::new(
            counts
                .terms
                .iter()
                .filter(|t| t.is_phrase())
                .map(|t| t.term.as_str()),
        );
        let components: Vec<Vec<TermId>> = counts
            .terms
            .iter()
            .map(|info| {
                info.components
                    .iter()
                    .filter_map(|c| ids.get(c.as_str()).copied())
                    .collect()
            })
            .collect();
        let placing = Placing {
            windows,
            kept: &kept,
            languages,
            grids: &[],
            passages,
        };
        let mut chunks: Vec<Chunk> = Vec::new();
        let mut speakers: Vec<ChunkSpeakers> = Vec::new();
        let mut open: Option<(u32, Piece, ChunkSpeakers)> = None;
        feed.for_each(|segments| {
            for block in segments.chunks(BLOCK) {
                let pieces: Vec<Vec<Piece>> = block
                    .par_iter()
                    .map_init(Analysis::default, |analysis, segment| {
                        let pieces = std::cell::RefCell::new(Vec::<Piece>::new());
                        // A new piece where the windows change, and every
                        // `chunk_tokens` tokens of a long segment (a whole
                        // document is often one segment).
                        let piece_for = |pieces: &mut Vec<Piece>, w: &Range<usize>| {
                            if pieces
                                .last()
                                .is_none_or(|p| p.windows != *w || p.tokens >= chunk_tokens)
                            {
                                pieces.push(Piece {
                                    windows: w.clone(),
                                    ..Piece::default()
                                });
                            }
                            pieces.len() - 1
                        };
                        self.analyze_segment(
                            segment,
                            placing,
                            analysis,
                            |w, _, token| {
                                let mut pieces = pieces.borrow_mut();
                                let i = piece_for(&mut pieces, &w);
                                pieces[i].tokens += 1;
                                if let Some(&id) = ids.get(token.term.as_str()) {
                                    pieces[i].terms.push(id);
                                }
                            },
                            |w, _, key, _, _| {
                                let Some(&id) = ids.get(key) else { return };
                                let mut pieces = pieces.borrow_mut();
                                let Some(piece) = pieces.last_mut().filter(|p| p.windows == w)
                                else {
                                    return;
                                };
                                piece.claims.extend(&components[id as usize]);
                                piece.terms.push(id);
                            },
                        );
                        pieces.into_inner()
                    })
                    .collect();
                for (segment, pieces) in block.iter().zip(pieces) {
                    for piece in pieces {
                        let spoken = (segment.speaker, piece.tokens);
                        match &mut open {
                            Some((document, chunk, by_speaker))
                                if *document == segment.document
                                    && chunk.windows == piece.windows
                                    && chunk.tokens < chunk_tokens =>
                            {
                                chunk.tokens += piece.tokens;
                                chunk.terms.extend(piece.terms);
                                chunk.claims.extend(piece.claims);
                                add_spoken(by_speaker, spoken);
                            }
                            _ => {
                                if let Some((_, chunk, by_speaker)) = open.take() {
                                    chunks.push(chunk.close());
                                    speakers.push(by_speaker);
                                }
                                open = Some((segment.document, piece, vec![spoken]));
                            }
                        }
                    }
                }
            }
        })?;
        if let Some((_, chunk, by_speaker)) = open {
            chunks.push(chunk.close());
            speakers.push(by_speaker);
        }
        Ok((chunks, speakers))
    }
}

/// Each speaker's theme windows from the chunks: a chunk's tokens go to the
/// themes in proportion to its row of `W`, as the timeline's do, each speaker's
/// tokens of the chunk as the chunk's tokens.
fn speaker_theme_windows(
    k: usize,
    chunk_themes: &[Option<(Vec<f64>, f64)>],
    chunks: &[Chunk],
    chunk_speakers: &[ChunkSpeakers],
    speakers: SpeakerParts<'_>,
) -> Vec<Vec<ThemeWindow>> {
    let mut tokens: Vec<Vec<Vec<f64>>> = speakers
        .speakers
        .iter()
        .map(|s| vec![vec![0.0; k]; s.counts.windows.len()])
        .collect();
    let index = |speaker: Option<u32>| {
        let name = match speaker {
            None => UNKNOWN,
            Some(id) => speakers
                .names
                .get(id as usize)
                .map_or(UNKNOWN, |n| n.as_str()),
        };
        speakers
            .speakers
            .binary_search_by(|s| s.name.as_str().cmp(name))
            .ok()
    };
    for ((themes, chunk), by_speaker) in chunk_themes.iter().zip(chunks).zip(chunk_speakers) {
        let Some((row, sum)) = themes else { continue };
        for &(speaker, n) in by_speaker {
            let Some(s) = index(speaker) else { continue };
            let windows = tokens[s].len();
            for window in chunk.windows.clone().filter(|&x| x < windows) {
                for (t, &weight) in row.iter().enumerate() {
                    tokens[s][window][t] += n as f64 * weight / sum;
                }
            }
        }
    }
    tokens
        .into_iter()
        .zip(speakers.speakers)
        .map(|(windows, speaker)| {
            windows
                .into_iter()
                .zip(&speaker.counts.windows)
                .map(|(tokens, w)| ThemeWindow::from_tokens(tokens, w.tokens))
                .collect()
        })
        .collect()
}

/// A chunk's tokens per speaker, in the order the speakers first speak in it.
pub(crate) type ChunkSpeakers = Vec<(Option<u32>, u64)>;

fn add_spoken(by_speaker: &mut ChunkSpeakers, (speaker, tokens): (Option<u32>, u64)) {
    match by_speaker.iter_mut().find(|(s, _)| *s == speaker) {
        Some((_, n)) => *n += tokens,
        None => by_speaker.push((speaker, tokens)),
    }
}

/// A stretch of one segment in one set of windows: its terms, one entry per
/// occurrence, and the word occurrences kept phrases claimed.
#[derive(Default)]
struct Piece {
    windows: Range<usize>,
    tokens: u64,
    terms: Vec<TermId>,
    claims: Vec<TermId>,
}

impl Piece {
    /// The chunk of this piece: its terms counted, claimed occurrences taken off.
    fn close(self) -> Chunk {
        let (mut terms, mut claims) = (self.terms, self.claims);
        terms.sort_unstable();
        claims.sort_unstable();
        let mut counts: Vec<(TermId, u64)> = Vec::new();
        for term in terms {
            match counts.last_mut() {
                Some((t, n)) if *t == term => *n += 1,
                _ => counts.push((term, 1)),
            }
        }
        let mut c = 0;
        for (term, n) in &mut counts {
            while c < claims.len() && claims[c] < *term {
                c += 1;
            }
            while c < claims.len() && claims[c] == *term {
                *n = n.saturating_sub(1);
                c += 1;
            }
        }
        counts.retain(|&(_, n)| n > 0);
        Chunk {
            windows: self.windows,
            tokens: self.tokens,
            terms: Packed::from_sorted(&counts),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::WindowCounts;

    fn speaker(name: &str, tokens: &[u64]) -> SpeakerCounts {
        SpeakerCounts {
            name: name.into(),
            spoken: 0,
            counts: Counts {
                windows: tokens
                    .iter()
                    .map(|&tokens| WindowCounts {
                        tokens,
                        ..WindowCounts::default()
                    })
                    .collect(),
                ..Counts::default()
            },
        }
    }

    #[test]
    fn a_chunk_s_themes_go_to_its_speakers_in_proportion_to_their_tokens() {
        let chunk = |windows: Range<usize>, tokens| Chunk {
            windows,
            tokens,
            terms: Packed::new(),
        };
        let chunks = [chunk(0..1, 10), chunk(1..2, 4), chunk(1..2, 6)];
        // Theme rows of W and their sums; the third chunk gave no theme anything.
        let chunk_themes = [
            Some((vec![3.0, 1.0], 4.0)),
            Some((vec![0.0, 2.0], 2.0)),
            None,
        ];
        let chunk_speakers = vec![
            vec![(Some(0), 6), (None, 4)],
            vec![(Some(0), 4)],
            vec![(None, 6)],
        ];
        let speakers = [speaker("", &[4, 6]), speaker("Ann", &[6, 4])];
        let names = ["Ann".to_string()];
        let windows = speaker_theme_windows(
            2,
            &chunk_themes,
            &chunks,
            &chunk_speakers,
            SpeakerParts {
                speakers: &speakers,
                names: &names,
            },
        );
        assert_eq!(windows[1][0].tokens, [4.5, 1.5], "Ann: 6 of chunk 0's 10");
        assert_eq!(windows[0][0].tokens, [3.0, 1.0]);
        assert_eq!(windows[1][1].tokens, [0.0, 4.0]);
        assert_eq!(windows[0][1].tokens, [0.0, 0.0], "chunk 2 has no themes");
        assert_eq!(windows[0][1].share, [0.0, 0.0]);
        assert_eq!(windows[1][0].window_tokens, 6);
    }
}
