//! themeline's other scores against the peers they claim to match, to 1e-9:
//! BM25 (rank_bm25), c-TF-IDF in all four variants (BERTopic), signed G²
//! (quanteda's formula, and NLTK's exact G²), and log-odds with an informative
//! Dirichlet prior (scattertext), against the rest of the run and the previous
//! window.
//!
//! The fixture holds themeline's own per-window counts for two real cases (the
//! bundled transcript in five-minute windows; thirteen State of the Union
//! addresses by decade, with empty decades) and the peers' scores of them;
//! `scripts/peer_scores.py` regenerates it. This test rebuilds the counts as
//! [`Windowed`] and compares every score of every term of every window.

use std::collections::BTreeMap;

use themeline::count::TermId;
use themeline::score::{Bm25, CTfIdf, Method, Reference, Scorer, TermScore, TfIdf, Windowed};

fn fixture() -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/peer_scores.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The fixture's windows as themeline's input to scoring: terms numbered in
/// sorted order, pairs sorted by term.
fn windowed(windows: &[serde_json::Value]) -> Windowed {
    let vocabulary: std::collections::BTreeSet<&str> = windows
        .iter()
        .flat_map(|w| w.as_object().unwrap().keys().map(String::as_str))
        .collect();
    let ids: BTreeMap<&str, TermId> = vocabulary
        .iter()
        .enumerate()
        .map(|(i, t)| (*t, i as TermId))
        .collect();
    Windowed {
        counts: windows
            .iter()
            .map(|w| {
                let mut pairs: Vec<(TermId, u64)> = w
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(t, n)| (ids[t.as_str()], n.as_u64().unwrap()))
                    .collect();
                pairs.sort_unstable();
                pairs
            })
            .collect(),
        terms: vocabulary.len(),
    }
}

fn scorer(method: Method) -> Scorer {
    Scorer {
        method,
        tfidf: TfIdf {
            tf: themeline::score::TfMode::Raw,
            idf: themeline::score::IdfMode::Smooth,
            norm: themeline::score::NormMode::L2,
        },
        bm25: Bm25::default(),
        ctfidf: CTfIdf::default(),
        reference: Reference::Rest,
        smooth: 1,
        as_of: false,
        idf_over: themeline::score::IdfOver::Windows,
    }
}

/// Compares every score; `tolerance` is absolute for scores below 1 and relative above.
fn compare(
    name: &str,
    ours: &[Vec<TermScore>],
    theirs: &serde_json::Value,
    tolerance: f64,
) -> usize {
    let theirs = theirs.as_array().unwrap();
    assert_eq!(ours.len(), theirs.len(), "{name}: windows");
    let mut compared = 0;
    for (w, (ours, theirs)) in ours.iter().zip(theirs).enumerate() {
        let theirs = theirs.as_array().unwrap();
        assert_eq!(ours.len(), theirs.len(), "{name}: terms of window {w}");
        for (i, (ours, theirs)) in ours.iter().zip(theirs).enumerate() {
            let theirs = theirs.as_f64().unwrap();
            let error = (ours.score - theirs).abs() / theirs.abs().max(1.0);
            assert!(
                error <= tolerance,
                "{name}: window {w} term {i}: themeline {} vs peer {theirs}",
                ours.score
            );
            compared += 1;
        }
    }
    compared
}

#[test]
fn every_score_matches_its_peer() {
    let fixture = fixture();
    let mut compared = 0;
    for (case, data) in fixture["cases"].as_object().unwrap() {
        let windows = windowed(data["windows"].as_array().unwrap());
        let scores = &data["scores"];
        let name = |score: &str| format!("{case} {score}");
        compared += compare(
            &name("bm25"),
            &scorer(Method::Bm25).score_windowed(&windows),
            &scores["bm25"],
            1e-9,
        );
        for bm25_weighting in [false, true] {
            for reduce_frequent_words in [false, true] {
                let key = format!(
                    "ctfidf-bm25_weighting={}-reduce_frequent_words={}",
                    if bm25_weighting { "True" } else { "False" },
                    if reduce_frequent_words {
                        "True"
                    } else {
                        "False"
                    }
                );
                let scorer = Scorer {
                    ctfidf: CTfIdf {
                        bm25_weighting,
                        reduce_frequent_words,
                    },
                    ..scorer(Method::Ctfidf)
                };
                compared += compare(
                    &name(&key),
                    &scorer.score_windowed(&windows),
                    &scores[&key],
                    1e-9,
                );
            }
        }
        for (reference, against) in [(Reference::Rest, "rest"), (Reference::Previous, "previous")] {
            let g2 = Scorer {
                reference,
                ..scorer(Method::G2)
            }
            .score_windowed(&windows);
            let key = format!("g2-quanteda-{against}");
            compared += compare(&name(&key), &g2, &scores[&key], 1e-9);
            // NLTK's exact G² differs from quanteda's only by its ε: 2·N·10⁻⁹ at most.
            let key = format!("g2-nltk-{against}");
            compared += compare(&name(&key), &g2, &scores[&key], 1e-3);
            let key = format!("logodds-{against}");
            let log_odds = Scorer {
                reference,
                ..scorer(Method::Logodds)
            }
            .score_windowed(&windows);
            compared += compare(&name(&key), &log_odds, &scores[&key], 1e-9);
        }
    }
    assert!(compared > 40_000, "only {compared} scores compared");
}
