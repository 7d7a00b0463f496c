//! The small pieces every part of the report is written with: escaping, numbers
//! with fixed decimals, the theme colours and the heat scale, and short texts.
//!
//! They live apart from the page so that the chart, the tables and the page
//! assembly format a number, a colour or a piece of input text the same way: the
//! report's bytes depend only on the timeline, and nothing a user wrote reaches
//! the page unescaped.

use crate::timeline::{ShiftReport, TermStatus};

/// `text` made safe for HTML and SVG text and for quoted attribute values: `&`,
/// `<`, `>`, `"` and `'` become character references, and control characters
/// other than tab and newline (which HTML does not allow) become U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// `value` with `decimals` fixed decimals; never `-0.0`, never `NaN`.
pub(super) fn num(value: f64, decimals: usize) -> String {
    let value = if value.is_finite() { value } else { 0.0 };
    let text = format!("{value:.decimals$}");
    match text.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_string(),
        _ => text,
    }
}

/// A share as a percentage with one decimal: `58.3%`.
pub(super) fn percent(share: f64) -> String {
    format!("{}%", num(share * 100.0, 1))
}

/// `1 window`, `2 windows`.
pub(super) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The colours of the first twenty themes: Tableau 10, then its lighter partners.
const PALETTE: [&str; 20] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#a0cbe8", "#ffbe7d", "#ff9d9a", "#86bcb6", "#8cd17d", "#f1ce63",
    "#d4a6c8", "#fabfd2", "#d7b5a6", "#79706e",
];

/// The colour of the `index`th theme of the run: the palette, then hues a golden
/// angle apart.
pub fn colour(index: usize) -> String {
    match PALETTE.get(index) {
        Some(c) => (*c).to_string(),
        None => {
            let hue = (index as f64 * 137.508) % 360.0;
            format!("hsl({},55%,55%)", num(hue, 1))
        }
    }
}

/// Stops of the heat scale (ColorBrewer's Blues), evenly spaced from 0 to 1.
const HEAT: [(f64, f64, f64); 5] = [
    (247.0, 251.0, 255.0),
    (198.0, 219.0, 239.0),
    (107.0, 174.0, 214.0),
    (33.0, 113.0, 181.0),
    (8.0, 48.0, 107.0),
];

/// A cell colour for `t` in 0..=1, and the text colour that reads on it.
pub(super) fn heat(t: f64) -> (String, &'static str) {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let scaled = t * (HEAT.len() - 1) as f64;
    let i = (scaled.floor() as usize).min(HEAT.len() - 2);
    let f = scaled - i as f64;
    let (a, b) = (HEAT[i], HEAT[i + 1]);
    let mix = |a: f64, b: f64| (a + (b - a) * f).round() as u8;
    let background = format!("rgb({},{},{})", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2));
    (background, if t > 0.5 { "#fff" } else { "#1f2328" })
}

/// The status as the page names it (and its CSS class).
pub(super) fn status_name(status: TermStatus) -> &'static str {
    match status {
        TermStatus::New => "new",
        TermStatus::Emerging => "emerging",
        TermStatus::Stable => "stable",
        TermStatus::Fading => "fading",
        TermStatus::Gone => "gone",
        TermStatus::Burst => "burst",
    }
}

/// `name` cut to about `max` characters at a word or `/` boundary, with `…`.
pub(super) fn short(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        return name.to_string();
    }
    let head: String = name.chars().take(max).collect();
    let cut = head
        .rfind([' ', '/'])
        .filter(|&i| i > 0)
        .map_or(head.as_str(), |i| &head[..i]);
    format!("{}…", cut.trim_end_matches([' ', '/']))
}

/// `; driven by a, b, c` for a tooltip, escaped.
pub(super) fn evidence_tip(shift: &ShiftReport) -> String {
    if shift.evidence.is_empty() {
        String::new()
    } else {
        escape(&format!("\ndriven by {}", shift.evidence.join(", ")))
    }
}

/// An option's value as text: strings bare, lists joined, none as a dash.
pub(super) fn option_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "—".to_string(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) if items.is_empty() => "—".to_string(),
        serde_json::Value::Array(items) => {
            items.iter().map(option_text).collect::<Vec<_>>().join(", ")
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_replaces_every_markup_character() {
        assert_eq!(
            escape("<a href=\"x\">&'</a>\u{0}\tok\n"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;\u{FFFD}\tok\n"
        );
    }

    #[test]
    fn numbers_have_fixed_decimals_and_no_negative_zero() {
        assert_eq!(num(0.1 + 0.2, 3), "0.300");
        assert_eq!(num(-0.0001, 1), "0.0");
        assert_eq!(num(-1.25, 1), "-1.2");
        assert_eq!(num(f64::NAN, 2), "0.00");
        assert_eq!(percent(0.5834), "58.3%");
    }

    #[test]
    fn long_theme_names_are_cut_at_a_boundary() {
        assert_eq!(short("security", 22), "security");
        assert_eq!(
            short("Government / States / United States", 22),
            "Government / States…"
        );
        assert_eq!(short("abcdefghijklmnopqrstuvwxyz", 10), "abcdefghij…");
    }

    #[test]
    fn colours_are_the_palette_then_golden_angle_hues() {
        assert_eq!(colour(0), "#4e79a7");
        assert_eq!(colour(19), "#79706e");
        assert_eq!(colour(20), "hsl(230.2,55%,55%)");
        assert_eq!(heat(0.0), ("rgb(247,251,255)".to_string(), "#1f2328"));
        assert_eq!(heat(1.0), ("rgb(8,48,107)".to_string(), "#fff"));
    }
}
