//! Themes of a timeline: a lexicon's, measured on the counts, or discovered
//! from chunks of the text by NMF.

use super::Pipeline;
use super::tape::{ChunkSpeakers, ChunkTape};
use crate::Error;
use crate::count::Counts;
use crate::count::speakers::{SpeakerCounts, UNKNOWN};
use crate::score::vocabulary_mask;
use crate::stem::Language;
use crate::theme::discover::Chunk;
use crate::theme::{self, Theme, ThemeWindow};
use crate::timeline::DiscoveryReport;
use crate::tokenize::phrases;
use crate::tokenize::{Analyzer, TokenStats};

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
    /// lexicon's, or discovered from chunks of the text, which the counting pass
    /// recorded on `tape` (`None` when only counts are at hand, as in a merge of
    /// shards), without
    /// the terms of `boilerplate`. A lexicon's entries are matched in the
    /// languages of `analysed_in`. Beside them, each window's theme tokens of
    /// each of `speakers`, measured the same way: the speakers' tokens of a
    /// theme in a window add up to the window's.
    pub(crate) fn themes(
        &self,
        tape: Option<&ChunkTape>,
        analysed_in: &[Language],
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
        let Some(tape) = tape else {
            return Err(Error::DiscoveryNeedsText);
        };
        let tokens: u64 = counts.windows.iter().map(|w| w.tokens).sum();
        let chunk_tokens = options.chunk_length(tokens);
        let (chunks, chunk_speakers) = tape.chunks(counts, chunk_tokens);
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

#[cfg(test)]
mod tests {
    use std::ops::Range;

    use super::*;
    use crate::count::Packed;
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
