//! `timeline.vl.json`: a Vega-Lite v5 chart of `themes.csv`.
//!
//! The HTML report draws its chart once; a Vega-Lite spec is the same chart in a
//! form people change: open it in the Vega editor, in Altair
//! (`alt.Chart.from_json`), in Observable or a Jupyter notebook, restyle it, filter
//! themes, and it re-reads the data. So the spec holds no data of its own: it
//! points at `themes.csv` by a relative URL, and is written next to it. It is a
//! stacked area of `share` by `start`, one band per `theme` in the order and with
//! the colours of the HTML report, with a tooltip on points at every window start
//! (theme, start, end, share, strength). For dated corpora `start` is temporal (RFC
//! 3339 in the CSV); for recordings it is quantitative seconds, labelled
//! `H:MM:SS`. With `--group-by source` the chart has a row per source (with
//! `--group-by speaker`, per speaker).
//!
//! The spec is built as a [`serde_json::Value`] and pretty-printed; its content
//! depends only on the timeline, so it is byte-identical for the same run. Its
//! size does not grow with the windows (a dozen ticks, the theme names), and
//! neither does the sink's memory: it keeps the theme names and a bounded, evenly
//! thinned sample of window starts to choose the ticks from.

use std::io::Write;

use serde_json::{Value, json};

use super::html::{NameList, colour, theme_names, title};
use super::{EmitError, Sink, Summary, write_pretty_json};
use crate::time::{Millis, TimeAxis};
use crate::timeline::{GroupBy, Meta, WindowReport};

/// The Vega-Lite schema the spec declares.
pub const VEGA_LITE_SCHEMA: &str = "https://vega.github.io/schema/vega-lite/v5.json";

/// Keeps what the spec needs of the windows (their theme names, whether they
/// have sources, a sample of their starts) and writes the spec when finished.
#[derive(Debug)]
pub struct VegaLiteSpec<W: Write> {
    writer: W,
    meta: Option<Meta>,
    names: NameList,
    per_source: bool,
    starts: Starts,
}

impl<W: Write> VegaLiteSpec<W> {
    /// A sink writing to `writer`.
    pub fn new(writer: W) -> Self {
        VegaLiteSpec {
            writer,
            meta: None,
            names: NameList::default(),
            per_source: false,
            starts: Starts::default(),
        }
    }

    /// The underlying writer.
    pub fn into_inner(self) -> W {
        self.writer
    }
}

impl<W: Write> Sink for VegaLiteSpec<W> {
    fn begin(&mut self, meta: &Meta) -> Result<(), EmitError> {
        self.meta = Some(meta.clone());
        Ok(())
    }

    fn window(&mut self, window: &WindowReport) -> Result<(), EmitError> {
        for theme in &window.themes {
            self.names.add(&theme.theme);
        }
        self.per_source |= window.timeline().is_some();
        self.starts.add(window.start_ms);
        Ok(())
    }

    fn finish(&mut self, summary: &Summary<'_>) -> Result<(), EmitError> {
        let meta = self.meta.as_ref().expect("begin is called before finish");
        let spec = spec(meta, &self.names, self.per_source, &self.starts, summary);
        write_pretty_json(&mut self.writer, &spec)
    }
}

/// Most window starts kept for choosing the axis ticks.
const KEPT_STARTS: usize = 4096;

/// The windows' starts, for the axis ticks: all of them while there are at most
/// [`KEPT_STARTS`], then an evenly thinned sample (every second, fourth, ... in
/// the order the windows came), so that a million windows cost no more memory than
/// four thousand. The ticks are a dozen of them; any even sample of starts gives
/// a dozen well spread ones.
#[derive(Debug)]
struct Starts {
    kept: Vec<Millis>,
    /// Every `stride`th start seen is kept.
    stride: u64,
    seen: u64,
}

impl Default for Starts {
    fn default() -> Self {
        Starts {
            kept: Vec::new(),
            stride: 1,
            seen: 0,
        }
    }
}

impl Starts {
    fn add(&mut self, start: Millis) {
        if self.seen.is_multiple_of(self.stride) {
            self.kept.push(start);
        }
        self.seen += 1;
        if self.kept.len() > KEPT_STARTS {
            // What was kept are the multiples of the stride: keep those of twice it.
            self.kept = self.kept.iter().copied().step_by(2).collect();
            self.stride *= 2;
        }
    }

    /// The distinct starts kept, in seconds, ascending.
    fn seconds(&self) -> Vec<f64> {
        let mut starts: Vec<f64> = self.kept.iter().map(|&ms| ms as f64 / 1000.0).collect();
        starts.sort_by(f64::total_cmp);
        starts.dedup();
        starts
    }
}

/// Width of the plot, in pixels.
const WIDTH: usize = 800;

/// Vega expression turning seconds into `H:MM:SS`.
const CLOCK: &str = "floor(datum.value / 3600) + ':' + format(floor(datum.value % 3600 / 60), '02d') + ':' + format(floor(datum.value % 60), '02d')";

/// The spec for a run whose windows mention the theme names `seen`.
fn spec(
    meta: &Meta,
    seen: &NameList,
    per_source: bool,
    starts: &Starts,
    summary: &Summary<'_>,
) -> Value {
    let names = theme_names(summary.themes, seen);
    let colours: Vec<String> = (0..names.len()).map(colour).collect();
    let dated = meta.time_axis == TimeAxis::Instant;

    // Ticks at window starts (recordings), at most about one per 70 px.
    let starts = starts.seconds();
    let every = starts.len().div_ceil(WIDTH / 70).max(1);
    let ticks: Vec<f64> = starts.iter().copied().step_by(every).collect();
    let (x, start_tip, end_tip, parse) = if dated {
        (
            json!({"field": "start", "type": "temporal", "title": "window start"}),
            json!({"field": "start", "type": "temporal", "title": "start", "format": "%Y-%m-%d %H:%M"}),
            json!({"field": "end", "type": "temporal", "title": "end", "format": "%Y-%m-%d %H:%M"}),
            json!({"window": "number", "start": "date", "end": "date", "score": "number", "share": "number"}),
        )
    } else {
        (
            json!({
                "field": "start",
                "type": "quantitative",
                "title": "window start (seconds into the recording)",
                "scale": {"nice": false},
                "axis": {"labelExpr": CLOCK, "values": ticks}
            }),
            json!({"field": "start", "type": "quantitative", "title": "start (s)"}),
            json!({"field": "end", "type": "quantitative", "title": "end (s)"}),
            json!({"window": "number", "start": "number", "end": "number", "score": "number", "share": "number"}),
        )
    };
    let encoding = json!({
        "x": x,
        "y": {
            "field": "share",
            "type": "quantitative",
            "stack": "zero",
            "title": "share of theme strength",
            "axis": {"format": "%"},
            "scale": {"domain": [0, 1]}
        },
        "color": {
            "field": "theme",
            "type": "nominal",
            "title": "theme",
            "sort": names,
            "scale": {"domain": names, "range": colours}
        },
        "order": {"field": "theme_order", "type": "quantitative"}
    });
    let tooltip = json!([
        {"field": "theme", "type": "nominal", "title": "theme"},
        start_tip,
        end_tip,
        {"field": "share", "type": "quantitative", "title": "share", "format": ".1%"},
        {"field": "score", "type": "quantitative", "title": "strength (per 1,000 tokens)", "format": ".1f"}
    ]);
    // Stack in the theme order of the report: the first theme at the bottom.
    let order = json!({
        "calculate": format!("indexof({}, datum.theme)", serde_json::to_string(&names).unwrap_or_default()),
        "as": "theme_order"
    });
    let layers = json!([
        {"mark": {"type": "area", "interpolate": "step-after", "opacity": 0.9}},
        {
            "mark": {"type": "point", "filled": true, "size": 20, "opacity": 0.35},
            "encoding": {"tooltip": tooltip}
        }
    ]);
    let data = json!({"url": "themes.csv", "format": {"type": "csv", "parse": parse}});
    let description = "Theme shares per window from themes.csv, written by themeline";
    if per_source {
        // themes.csv names the timelines in its first column: a source or a speaker.
        let field = match meta.options.group_by {
            GroupBy::Speaker => "speaker",
            _ => "source",
        };
        json!({
            "$schema": VEGA_LITE_SCHEMA,
            "title": title(meta),
            "description": description,
            "data": data,
            "transform": [order],
            "facet": {"row": {"field": field, "type": "nominal", "title": field}},
            "resolve": {"scale": {"x": "independent"}},
            "spec": {"width": WIDTH, "height": 260, "encoding": encoding, "layer": layers}
        })
    } else {
        json!({
            "$schema": VEGA_LITE_SCHEMA,
            "title": title(meta),
            "description": description,
            "width": WIDTH,
            "height": 320,
            "data": data,
            "transform": [order],
            "encoding": encoding,
            "layer": layers
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::{emit, testing};
    use crate::timeline::Timeline;

    fn bytes(timeline: &Timeline) -> Vec<u8> {
        let mut sink = VegaLiteSpec::new(Vec::new());
        emit(timeline, &mut [&mut sink]).unwrap();
        sink.into_inner()
    }

    /// Every `"field"` value in `value`.
    fn collect_fields(value: &Value, fields: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    match (key.as_str(), v) {
                        ("field", Value::String(f)) => fields.push(f.clone()),
                        _ => collect_fields(v, fields),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| collect_fields(v, fields)),
            _ => {}
        }
    }

    fn spec_of(timeline: &Timeline) -> Value {
        serde_json::from_slice(&bytes(timeline)).unwrap()
    }

    #[test]
    fn the_spec_is_json_reading_themes_csv_by_start_theme_and_share() {
        let timeline = testing::talk();
        let spec = spec_of(&timeline);
        assert_eq!(spec["$schema"], VEGA_LITE_SCHEMA);
        assert_eq!(spec["data"]["url"], "themes.csv");
        assert_eq!(spec["data"]["format"]["type"], "csv");
        assert_eq!(spec["title"], "Platform news");
        let encoding = &spec["encoding"];
        assert_eq!(encoding["x"]["field"], "start");
        assert_eq!(encoding["x"]["type"], "quantitative");
        assert_eq!(encoding["y"]["field"], "share");
        assert_eq!(encoding["y"]["stack"], "zero");
        assert_eq!(encoding["color"]["field"], "theme");
        let names: Vec<&str> = timeline.themes.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(encoding["color"]["scale"]["domain"], json!(names));
        assert_eq!(encoding["color"]["scale"]["range"][0], colour(0));
        let layers = spec["layer"].as_array().unwrap();
        assert_eq!(layers[0]["mark"]["type"], "area");
        let tooltip: Vec<&str> = layers[1]["encoding"]["tooltip"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["field"].as_str().unwrap())
            .collect();
        assert_eq!(tooltip, ["theme", "start", "end", "share", "score"]);
        // Every field it reads is a column of themes.csv (or the stack order it
        // computes).
        let mut fields = Vec::new();
        collect_fields(&spec, &mut fields);
        for field in &fields {
            assert!(
                [
                    "window",
                    "start",
                    "end",
                    "theme",
                    "score",
                    "share",
                    "theme_order"
                ]
                .contains(&field.as_str()),
                "{field}"
            );
        }
        assert!(fields.iter().any(|f| f == "share"));
        assert!(spec.get("facet").is_none());
    }

    #[test]
    fn dated_runs_have_a_temporal_axis() {
        let mut timeline = testing::talk();
        timeline.meta.time_axis = TimeAxis::Instant;
        let spec = spec_of(&timeline);
        assert_eq!(spec["encoding"]["x"]["type"], "temporal");
        assert_eq!(spec["data"]["format"]["parse"]["start"], "date");
    }

    #[test]
    fn per_source_specs_have_a_row_per_source() {
        let spec = spec_of(&testing::two_sources());
        assert_eq!(spec["facet"]["row"]["field"], "source");
        assert_eq!(spec["data"]["url"], "themes.csv");
        assert_eq!(spec["spec"]["encoding"]["y"]["field"], "share");
    }

    #[test]
    fn a_fixed_timeline_gives_a_fixed_spec() {
        let spec = spec_of(&testing::talk());
        // Ticks at the window starts, and the stack order of the report.
        assert_eq!(
            spec["encoding"]["x"]["axis"]["values"],
            json!([0.0, 150.0, 300.0])
        );
        assert_eq!(
            spec["transform"][0]["calculate"],
            "indexof([\"AI/ML\",\"security\",\"observability\"], datum.theme)"
        );
        assert_eq!(
            spec["encoding"]["color"]["scale"]["range"],
            json!(["#4e79a7", "#f28e2b", "#e15759"])
        );
        assert_eq!(
            (spec["width"].clone(), spec["height"].clone()),
            (json!(800), json!(320))
        );
        let text = String::from_utf8(bytes(&testing::talk())).unwrap();
        assert!(text.starts_with(
            "{\n  \"$schema\": \"https://vega.github.io/schema/vega-lite/v5.json\",\n"
        ));
        assert!(text.ends_with("}\n"));
    }

    #[test]
    fn a_long_timeline_gives_a_spec_without_its_windows() {
        let spec = bytes(&testing::long(50_000));
        assert!(spec.len() < 5_000, "{} bytes", spec.len());
        let spec: Value = serde_json::from_slice(&spec).unwrap();
        let ticks: Vec<f64> = spec["encoding"]["x"]["axis"]["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_f64().unwrap())
            .collect();
        assert!((10..=12).contains(&ticks.len()), "{ticks:?}");
        assert_eq!(ticks[0], 0.0);
        assert!(ticks.windows(2).all(|w| w[0] < w[1]));
        // Spread over the whole run, not bunched at one end.
        assert!(*ticks.last().unwrap() > 40_000.0, "{ticks:?}");
    }

    #[test]
    fn starts_are_all_kept_then_evenly_thinned() {
        let mut starts = Starts::default();
        for ms in 0..KEPT_STARTS as i64 {
            starts.add(ms * 1000);
        }
        assert_eq!(starts.seconds().len(), KEPT_STARTS);
        assert_eq!(starts.seconds()[7], 7.0);
        for ms in KEPT_STARTS as i64..1_000_000 {
            starts.add(ms * 1000);
        }
        let kept = starts.seconds();
        assert!(kept.len() <= KEPT_STARTS && kept.len() > KEPT_STARTS / 2);
        let stride = kept[1] - kept[0];
        assert!(kept.windows(2).all(|w| w[1] - w[0] == stride), "even");
        assert!(*kept.last().unwrap() >= 1_000_000.0 - stride);
    }
}
