//! themeline's NMF against scikit-learn's on the same chunk × term matrix.
//!
//! The fixture (from `scripts/nmf_crosscheck.py`) holds the TF-IDF matrix of the
//! bundled transcript's chunks, exactly as themeline builds it for theme discovery,
//! and what scikit-learn's `NMF(init="nndsvda", solver="mu")` made of it. The two
//! run the same algorithm; they differ in how the initial singular vectors are
//! found (scikit-learn: randomized SVD; themeline: exact for a matrix this small),
//! so the starting points agree to rounding, and the end points to the accuracy of
//! the multiplicative updates.

use std::collections::BTreeMap;

use themeline::theme::nmf::{NmfOptions, SparseRows, factorise, nndsvda, reconstruction_error};

fn fixture() -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/sklearn_nmf.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn matrix(fixture: &serde_json::Value) -> (SparseRows, Vec<String>) {
    let rows = fixture["rows"].as_array().unwrap();
    let vocabulary: std::collections::BTreeSet<String> = rows
        .iter()
        .flat_map(|r| r.as_object().unwrap().keys().cloned())
        .collect();
    let vocabulary: Vec<String> = vocabulary.into_iter().collect();
    let index: BTreeMap<&str, u32> = vocabulary
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i as u32))
        .collect();
    let rows = rows
        .iter()
        .map(|r| {
            let mut row: Vec<(u32, f64)> = r
                .as_object()
                .unwrap()
                .iter()
                .map(|(t, v)| (index[t.as_str()], v.as_f64().unwrap()))
                .collect();
            row.sort_by_key(|&(c, _)| c);
            row
        })
        .collect();
    let columns = vocabulary.len();
    (SparseRows { rows, columns }, vocabulary)
}

fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
    dot / (norm(a) * norm(b))
}

#[test]
fn the_starting_point_is_scikit_learns_nndsvda() {
    let fixture = fixture();
    let (a, _) = matrix(&fixture);
    let k = fixture["k"].as_u64().unwrap() as usize;
    let (w, h) = nndsvda(&a, k);
    let ours = reconstruction_error(&a, &w, &h);
    // scikit-learn's own NNDSVDa code on an exact SVD: the same starting point.
    let exact = fixture["init_error_exact_svd"].as_f64().unwrap();
    assert!(
        (ours - exact).abs() < 1e-9 * exact,
        "themeline {ours} vs scikit-learn {exact}"
    );
    // scikit-learn's default randomized SVD lands close by.
    let randomized = fixture["init_error"].as_f64().unwrap();
    assert!(
        (ours - randomized).abs() < 0.01 * randomized,
        "themeline {ours} vs scikit-learn {randomized}"
    );
}

#[test]
fn the_factorisation_matches_scikit_learns() {
    let fixture = fixture();
    let (a, vocabulary) = matrix(&fixture);
    let k = fixture["k"].as_u64().unwrap() as usize;
    let factors = factorise(
        &a,
        &NmfOptions {
            k,
            ..NmfOptions::default()
        },
    );
    let theirs = fixture["error"].as_f64().unwrap();
    assert!(
        (factors.error - theirs).abs() < 0.01 * theirs,
        "themeline {} vs scikit-learn {theirs}",
        factors.error
    );
    // Each scikit-learn component has a themeline twin: the cosine of their
    // weights over scikit-learn's 15 heaviest terms.
    let components = fixture["components"].as_array().unwrap();
    let mut twins = 0;
    for component in components {
        let terms: Vec<(&String, f64)> = component
            .as_object()
            .unwrap()
            .iter()
            .map(|(t, v)| (t, v.as_f64().unwrap()))
            .collect();
        let theirs: Vec<f64> = terms.iter().map(|(_, v)| *v).collect();
        let best = factors
            .h
            .iter()
            .map(|h| {
                let ours: Vec<f64> = terms
                    .iter()
                    .map(|(t, _)| h[vocabulary.binary_search(t).unwrap()])
                    .collect();
                cosine(&ours, &theirs)
            })
            .fold(0.0, f64::max);
        if best > 0.95 {
            twins += 1;
        }
    }
    assert_eq!(
        twins,
        components.len(),
        "{twins} of {} components have a twin",
        components.len()
    );
}
