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
//! `H:MM:SS`. With `--group-by source` the chart has a row per source.
//!
//! The spec is built as a [`serde_json::Value`] and pretty-printed; its content
//! depends only on the timeline, so it is byte-identical for the same run.

use std::io::Write;

use serde_json::{Value, json};

use super::html::{colour, theme_names, title};
use super::{Collected, EmitError, Sink, Summary, write_pretty_json};
use crate::time::TimeAxis;
use crate::timeline::{Meta, WindowReport};

/// The Vega-Lite schema the spec declares.
pub const VEGA_LITE_SCHEMA: &str = "https://vega.github.io/schema/vega-lite/v5.json";

/// Collects the run and writes the spec when finished.
#[derive(Debug)]
pub struct VegaLiteSpec<W: Write> {
    writer: W,
    run: Collected,
}

impl<W: Write> VegaLiteSpec<W> {
    /// A sink writing to `writer`.
    pub fn new(writer: W) -> Self {
        VegaLiteSpec {
            writer,
            run: Collected::default(),
        }
    }

    /// The underlying writer.
    pub fn into_inner(self) -> W {
        self.writer
    }
}

impl<W: Write> Sink for VegaLiteSpec<W> {
    fn begin(&mut self, meta: &Meta) -> Result<(), EmitError> {
        self.run.begin(meta);
        Ok(())
    }

    fn window(&mut self, window: &WindowReport) -> Result<(), EmitError> {
        // Only the theme names are needed; keep the window without its terms.
        self.run.windows.push(WindowReport {
            terms: Vec::new(),
            ..window.clone()
        });
        Ok(())
    }

    fn finish(&mut self, summary: &Summary<'_>) -> Result<(), EmitError> {
        let spec = spec(self.run.meta(), &self.run.windows, summary);
        write_pretty_json(&mut self.writer, &spec)
    }
}

/// Width of the plot, in pixels.
const WIDTH: usize = 800;

/// Vega expression turning seconds into `H:MM:SS`.
const CLOCK: &str = "floor(datum.value / 3600) + ':' + format(floor(datum.value % 3600 / 60), '02d') + ':' + format(floor(datum.value % 60), '02d')";

/// The spec for a run.
fn spec(meta: &Meta, windows: &[WindowReport], summary: &Summary<'_>) -> Value {
    let names = theme_names(summary.themes, windows);
    let colours: Vec<String> = (0..names.len()).map(colour).collect();
    let per_source = windows.iter().any(|w| w.source.is_some());
    let dated = meta.time_axis == TimeAxis::Instant;

    // Ticks at window starts (recordings), at most about one per 70 px.
    let mut starts: Vec<f64> = windows.iter().map(|w| w.start_ms as f64 / 1000.0).collect();
    starts.sort_by(f64::total_cmp);
    starts.dedup();
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
        json!({
            "$schema": VEGA_LITE_SCHEMA,
            "title": title(meta),
            "description": description,
            "data": data,
            "transform": [order],
            "facet": {"row": {"field": "source", "type": "nominal", "title": "source"}},
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
    use crate::emit::emit;
    use crate::timeline::GroupBy;
    use crate::{Config, Pipeline, Timeline};

    fn timeline(group_by: GroupBy) -> Timeline {
        Pipeline::new(Config {
            window: "150s".parse().unwrap(),
            min_count: 1,
            themes: Some("cloud-native".into()),
            group_by,
            ..Config::default()
        })
        .unwrap()
        .run_text(
            "talk.txt",
            "Talk\n0:00 AI models, AI agents and GPUs.\n2:30 security policies and signing.\n",
        )
        .unwrap()
    }

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
        let timeline = timeline(GroupBy::None);
        let spec = spec_of(&timeline);
        assert_eq!(spec["$schema"], VEGA_LITE_SCHEMA);
        assert_eq!(spec["data"]["url"], "themes.csv");
        assert_eq!(spec["data"]["format"]["type"], "csv");
        assert_eq!(spec["title"], "Talk");
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
        let mut timeline = timeline(GroupBy::None);
        timeline.meta.time_axis = TimeAxis::Instant;
        let spec = spec_of(&timeline);
        assert_eq!(spec["encoding"]["x"]["type"], "temporal");
        assert_eq!(spec["data"]["format"]["parse"]["start"], "date");
    }

    #[test]
    fn per_source_specs_have_a_row_per_source() {
        let spec = spec_of(&timeline(GroupBy::Source));
        assert_eq!(spec["facet"]["row"]["field"], "source");
        assert_eq!(spec["data"]["url"], "themes.csv");
        assert_eq!(spec["spec"]["encoding"]["y"]["field"], "share");
    }

    #[test]
    fn the_same_timeline_gives_the_same_bytes() {
        let timeline = timeline(GroupBy::None);
        assert_eq!(bytes(&timeline), bytes(&timeline.clone()));
    }
}
