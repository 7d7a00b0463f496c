//! The counting builder's tests: counts, labels, and the merge laws (merging
//! shards equals counting everything; commutative, associative, an identity).

use super::*;
use proptest::prelude::*;

/// A token: (window, stem index, surface variant).
type Op = (usize, u8, u8);

fn build(ops: &[Op]) -> CountBuilder {
    build_from(ops, 0)
}

/// Counts `ops` as the segments from the `first`-th of a run: two segments
/// a document, so a document may run from one builder's ops into the next's.
fn build_from(ops: &[Op], first: usize) -> CountBuilder {
    let mut b = CountBuilder::new();
    for (i, &(w, stem, variant)) in ops.iter().enumerate() {
        let term = format!("t{stem}");
        let surface = match variant {
            0 => format!("t{stem}"),
            1 => format!("T{stem}"),
            _ => format!("t{stem}s"),
        };
        let document = ((first + i) / 2) as u32;
        b.add_segment(w..w + 1, document, (w as Millis + 1) * 1000);
        b.add(&term, &surface, w..w + 1 + (variant as usize % 2));
        if stem % 3 == 0 {
            let phrase = format!("t{stem} t{}", stem + 1);
            b.add_phrase(
                &phrase,
                &phrase,
                &[&term, &format!("t{}", stem + 1)],
                w..w + 1,
            );
        }
    }
    b
}

fn counts(ops: &[Op]) -> Counts {
    build(ops).finish(0)
}

#[test]
fn terms_are_sorted_and_labelled_by_their_most_frequent_form() {
    let mut b = CountBuilder::new();
    b.add("secur", "security", 0..1);
    b.add("secur", "secure", 1..2);
    b.add("secur", "Security", 1..2);
    b.add("secur", "security", 1..2);
    b.add("ai", "AI", 0..2);
    let counts = b.finish(3);
    let terms: Vec<_> = counts
        .terms
        .iter()
        .map(|t| (t.term.as_str(), t.total))
        .collect();
    assert_eq!(terms, [("ai", 1), ("secur", 4)]);
    assert_eq!(counts.label(1), "security");
    assert_eq!(counts.label(0), "AI");
    assert_eq!(counts.windows.len(), 3);
    assert_eq!(counts.windows[0].terms, [(0, 1), (1, 1)]);
    assert_eq!(counts.windows[1].terms, [(0, 1), (1, 3)]);
    assert_eq!(counts.windows[1].tokens, 4);
    assert!(counts.windows[2].terms.is_empty());
    assert_eq!(counts.find("secur"), Some(1));
    assert_eq!(counts.find("nope"), None);
    // Window 0 only ever saw "security".
    assert_eq!(counts.window_label(0, 1), "security");
    assert_eq!(
        counts.window_label(2, 1),
        "security",
        "absent: the overall label"
    );
}

#[test]
fn labels_keep_case_only_when_it_is_consistent() {
    assert_eq!(label([("AI", 29), ("Ai", 7), ("ai", 3)].into_iter()), "AI");
    assert_eq!(label([("ML", 2), ("ml", 6)].into_iter()), "ml");
    assert_eq!(
        label([("Security", 4), ("security", 9)].into_iter()),
        "security"
    );
    assert_eq!(
        label([("Kubernetes", 9), ("kubernetes", 1)].into_iter()),
        "Kubernetes"
    );
    assert_eq!(label([("runs", 2), ("running", 2)].into_iter()), "running");
    assert_eq!(
        label([("Secure", 2), ("security", 3)].into_iter()),
        "security"
    );
    assert_eq!(label(std::iter::empty()), "");
}

#[test]
fn phrases_count_without_adding_tokens() {
    let mut b = CountBuilder::new();
    b.add("develop", "developer", 0..1);
    b.add("experi", "experience", 0..1);
    b.add_phrase(
        "develop experi",
        "developer experience",
        &["develop", "experi"],
        0..1,
    );
    let counts = b.finish(1);
    assert_eq!(counts.windows[0].tokens, 2);
    let phrase = &counts.terms[counts.find("develop experi").unwrap() as usize];
    assert!(phrase.is_phrase());
    assert_eq!(phrase.components, ["develop", "experi"]);
    assert_eq!(
        counts.label(counts.find("develop experi").unwrap()),
        "developer experience"
    );
}

#[test]
fn retain_drops_terms_and_their_forms() {
    let c = counts(&[(0, 1, 0), (0, 2, 1), (1, 3, 2)]);
    let keep: Vec<bool> = c.terms.iter().map(|t| t.term != "t2").collect();
    let kept = c.clone().retain(&keep);
    assert!(kept.find("t2").is_none());
    assert!(
        kept.forms
            .iter()
            .all(|f| !f.form.eq_ignore_ascii_case("t2"))
    );
    assert_eq!(kept.terms.len(), c.terms.len() - 1);
    assert_eq!(
        kept.windows[0].tokens, c.windows[0].tokens,
        "token totals do not change"
    );
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec((0usize..6, 0u8..12, 0u8..3), 0..60)
}

proptest! {
    #[test]
    fn merging_shards_equals_counting_everything(a in ops(), b in ops()) {
        let whole: Vec<Op> = a.iter().chain(&b).copied().collect();
        let mut merged = build(&a);
        merged.merge(build_from(&b, a.len()));
        prop_assert_eq!(merged.finish(0), counts(&whole));
    }

    #[test]
    fn merge_is_commutative(a in ops(), b in ops()) {
        prop_assert_eq!(counts(&a).merge(counts(&b)), counts(&b).merge(counts(&a)));
    }

    #[test]
    fn merge_is_associative(a in ops(), b in ops(), c in ops()) {
        let left = counts(&a).merge(counts(&b)).merge(counts(&c));
        let right = counts(&a).merge(counts(&b).merge(counts(&c)));
        prop_assert_eq!(left, right);
    }

    #[test]
    fn empty_counts_are_the_identity(a in ops()) {
        prop_assert_eq!(counts(&a).merge(Counts::default()), counts(&a));
    }

    #[test]
    fn a_round_trip_through_the_builder_changes_nothing(a in ops()) {
        let c = counts(&a);
        let n = c.windows.len();
        prop_assert_eq!(CountBuilder::from(c.clone()).finish(n), c);
    }

    #[test]
    fn window_forms_add_up_to_window_terms(a in ops()) {
        let c = counts(&a);
        for window in &c.windows {
            for (term, n) in &window.terms {
                let forms: u64 = window.forms.iter().filter(|(f, _)| c.forms[*f as usize].term == term).map(|(_, n)| n).sum();
                prop_assert_eq!(forms, n);
            }
        }
    }
}
