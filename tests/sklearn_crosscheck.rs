//! themeline's TF-IDF against scikit-learn's, to 1e-9, for all 18 variants.
//!
//! The fixture holds themeline's own per-window token counts on the bundled
//! transcript and the scores scikit-learn's `TfidfVectorizer` computed from them
//! (`scripts/sklearn_crosscheck.py` regenerates it). The test rebuilds the counts,
//! scores them with themeline, and compares every score.

use std::collections::BTreeMap;

use themeline::count::{CountBuilder, Counts};
use themeline::score::TfIdf;
use themeline::score::{IdfMode, NormMode, TfMode};

type WindowCounts = BTreeMap<String, u64>;

fn fixture() -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/sklearn_tfidf.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn counts_of(windows: &[WindowCounts]) -> Counts {
    let mut builder = CountBuilder::new();
    for (w, counts) in windows.iter().enumerate() {
        for (term, &n) in counts {
            for _ in 0..n {
                builder.add(term, term, w..w + 1);
            }
        }
    }
    builder.finish(windows.len())
}

fn variant(name: &str) -> TfIdf {
    let parts: Vec<&str> = name.split('-').collect();
    let tf = match parts[0] {
        "raw" => TfMode::Raw,
        "sublinear" => TfMode::Sublinear,
        other => panic!("unknown tf {other}"),
    };
    let idf = match parts[1] {
        "smooth" => IdfMode::Smooth,
        "plain" => IdfMode::Plain,
        "none" => IdfMode::None,
        other => panic!("unknown idf {other}"),
    };
    let norm = match parts[2] {
        "l2" => NormMode::L2,
        "l1" => NormMode::L1,
        "none" => NormMode::None,
        other => panic!("unknown norm {other}"),
    };
    TfIdf { tf, idf, norm }
}

#[test]
fn every_variant_matches_scikit_learn() {
    let fixture = fixture();
    let mut compared = 0usize;
    let mut variants_seen = 0usize;
    for case in fixture["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let windows: Vec<WindowCounts> = serde_json::from_value(case["windows"].clone()).unwrap();
        assert!(
            windows.len() >= 10,
            "{name}: too few windows to be a real check"
        );
        let counts = counts_of(&windows);
        for (variant_name, expected) in case["variants"].as_object().unwrap() {
            variants_seen += 1;
            let expected: Vec<Vec<f64>> = serde_json::from_value(expected.clone()).unwrap();
            let scores = variant(variant_name).score(&counts, 1);
            assert_eq!(
                scores.len(),
                expected.len(),
                "{name} {variant_name}: window count"
            );
            for (w, (ours, theirs)) in scores.iter().zip(&expected).enumerate() {
                assert_eq!(
                    ours.len(),
                    theirs.len(),
                    "{name} {variant_name} window {w}: term count"
                );
                for (score, &want) in ours.iter().zip(theirs) {
                    let term = &counts.terms[score.term as usize].term;
                    let tolerance = 1e-9 * want.abs().max(1.0);
                    assert!(
                        (score.score - want).abs() <= tolerance,
                        "{name} {variant_name} window {w} term {term}: themeline {} vs scikit-learn {want}",
                        score.score
                    );
                    compared += 1;
                }
            }
        }
    }
    assert_eq!(variants_seen, 2 * 18, "two cases of 18 variants each");
    assert!(compared > 20_000, "only {compared} scores compared");
}
