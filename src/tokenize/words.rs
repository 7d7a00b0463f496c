//! Word boundaries: UAX #29 through unicode-segmentation, with an exact fast path
//! for ASCII text.
//!
//! Most text themeline reads (transcripts, captions, abstracts) is ASCII line after
//! line, and for ASCII the word-boundary rules of UAX #29 reduce to a few byte
//! classes: letters, digits and `_` join (WB5, WB8–WB10, WB13a/b); `:` `.` `'`
//! between two letters join them (WB6/7: `can't`, `e.g`, `Node.js`); `,` `;` `.`
//! `'` between two digits join them (WB11/12: `12,000`, `3.5`); everything else
//! breaks. unicode-segmentation's `unicode_word_indices` then keeps the segments
//! that hold a letter or digit. The curly single quotes `‘` and `’` (U+2018,
//! U+2019), which speech recognisers and word processors write for apostrophes,
//! are MidNumLet like `.`, so text that is ASCII apart from them takes the same
//! rules. [`word_indices`] uses the byte rules on such text and unicode-segmentation
//! otherwise; property tests check that the two agree on every such string, so the
//! fast path is an optimisation, never a different tokenizer.

use unicode_segmentation::UnicodeSegmentation;

/// The words of `text` with their byte offsets, as `unicode_word_indices` gives them.
pub fn word_indices(text: &str) -> WordIndices<'_> {
    if is_fast(text) {
        WordIndices::Ascii(AsciiWords { text, at: 0 })
    } else {
        WordIndices::Unicode(text.unicode_word_indices())
    }
}

/// Iterator of [`word_indices`].
#[derive(Debug)]
pub enum WordIndices<'t> {
    /// ASCII text: byte rules.
    Ascii(AsciiWords<'t>),
    /// Other text: UAX #29.
    Unicode(unicode_segmentation::UnicodeWordIndices<'t>),
}

impl<'t> Iterator for WordIndices<'t> {
    type Item = (usize, &'t str);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            WordIndices::Ascii(words) => words.next(),
            WordIndices::Unicode(words) => words.next(),
        }
    }
}

/// The words of ASCII text by the byte rules of UAX #29.
#[derive(Debug, Clone)]
pub struct AsciiWords<'t> {
    text: &'t str,
    at: usize,
}

/// Whether `text` is ASCII apart from curly single quotes.
fn is_fast(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b if b < 0x80 => i += 1,
            _ if curly_quote(&bytes[i..]) => i += 3,
            _ => return false,
        }
    }
    true
}

/// Whether `bytes` starts with `‘` or `’` in UTF-8.
fn curly_quote(bytes: &[u8]) -> bool {
    matches!(bytes, [0xE2, 0x80, 0x98 | 0x99, ..])
}

/// Byte classes of the word rules, looked up in one table.
const JOIN: u8 = 1;
const ALPHA: u8 = 2;
const DIGIT: u8 = 4;

const CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = if c.is_ascii_alphabetic() {
            JOIN | ALPHA
        } else if c.is_ascii_digit() {
            JOIN | DIGIT
        } else if c == b'_' {
            JOIN
        } else {
            0
        };
        b += 1;
    }
    table
};

fn joins(b: u8) -> bool {
    CLASSES[b as usize] & JOIN != 0
}

fn class(b: u8) -> u8 {
    CLASSES[b as usize]
}

impl<'t> Iterator for AsciiWords<'t> {
    type Item = (usize, &'t str);

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.text.as_bytes();
        loop {
            // Skip to the next run of letters, digits and underscores.
            let start = self.at + bytes[self.at..].iter().position(|&b| joins(b))?;
            let mut end = start + 1;
            let mut seen = class(bytes[start]);
            loop {
                while end < bytes.len() && joins(bytes[end]) {
                    seen |= class(bytes[end]);
                    end += 1;
                }
                // A middle character joins only between two letters or two digits.
                // The curly quotes are MidNumLet, like `.`.
                let (middle, width) = if curly_quote(&bytes[end..]) {
                    (b'.', 3)
                } else if end < bytes.len() {
                    (bytes[end], 1)
                } else {
                    break;
                };
                if let Some(&after) = bytes.get(end + width) {
                    let both = class(bytes[end - 1]) & class(after);
                    let letters = both & ALPHA != 0 && matches!(middle, b':' | b'.' | b'\'');
                    let digits = both & DIGIT != 0 && matches!(middle, b',' | b';' | b'.' | b'\'');
                    if letters || digits {
                        end += width + 1;
                        seen |= both;
                        continue;
                    }
                }
                break;
            }
            self.at = end;
            if seen & (ALPHA | DIGIT) != 0 {
                return Some((start, &self.text[start..end]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn words(text: &str) -> Vec<(usize, &str)> {
        word_indices(text).collect()
    }

    #[test]
    fn ascii_rules_by_example() {
        assert_eq!(
            words("can't e.g. Node.js 12,000 3.5 10:30 a:b __x_ _ a..b 3'4 x3.a"),
            [
                (0, "can't"),
                (6, "e.g"),
                (11, "Node.js"),
                (19, "12,000"),
                (26, "3.5"),
                (30, "10"),
                (33, "30"),
                (36, "a:b"),
                (40, "__x_"),
                (47, "a"),
                (50, "b"),
                (52, "3'4"),
                (56, "x3"),
                (59, "a"),
            ]
        );
        assert!(words("").is_empty() && words(" ,;'_. ").is_empty());
        assert_eq!(
            words("it\u{2019}s 3\u{2018}4 a\u{2019} \u{2019}b"),
            [(0, "it\u{2019}s"), (7, "3\u{2018}4"), (13, "a"), (21, "b")]
        );
        assert!(is_fast("it\u{2019}s") && !is_fast("caf\u{e9}") && !is_fast("\u{2014}"));
    }

    fn ascii_text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec![
                "a", "Z", "q", "0", "7", "_", ".", ":", ",", ";", "'", "\"", " ", "\t", "\n", "\r",
                "-", "!", "(", "/", "+", "#", "@", "\u{b}", "\u{c}", "\u{2019}", "\u{2018}",
            ]),
            0..40,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn the_ascii_path_is_unicode_segmentation(text in ascii_text()) {
            prop_assert!(is_fast(&text));
            let ascii: Vec<_> = AsciiWords { text: &text, at: 0 }.collect();
            let unicode: Vec<_> = text.unicode_word_indices().collect();
            prop_assert_eq!(ascii, unicode);
        }

        #[test]
        fn other_text_takes_the_unicode_path(text in "[a’é ]{0,12}") {
            let words: Vec<_> = word_indices(&text).collect();
            let unicode: Vec<_> = text.unicode_word_indices().collect();
            prop_assert_eq!(words, unicode);
        }

        #[test]
        fn any_ascii_string(text in "[ -~\\t\\n\\r]{0,60}") {
            let ascii: Vec<_> = AsciiWords { text: &text, at: 0 }.collect();
            let unicode: Vec<_> = text.unicode_word_indices().collect();
            prop_assert_eq!(ascii, unicode);
        }
    }
}
