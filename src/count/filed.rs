//! The term and form counts of one window while counting, in a layout whose cost
//! per token does not grow with the number of windows a worker touches.
//!
//! A token is a push of its `(term, form)` pair onto the window's pending list;
//! once the list is as long as what the window has filed (and at least
//! [`PENDING`]), it is sorted and added into the window's filed counts: two
//! vectors sorted by id. Each filing costs about as much as the pushes since the
//! last one, so a token costs a push and a share of one sort, with no hash table
//! per window to grow, rehash and fault in page by page. Memory is the window's
//! distinct terms and forms, and at most as much again pending.

use super::{FormId, TermId};

/// The shortest pending list that is filed.
const PENDING: usize = 64;

/// One window's counts while counting.
#[derive(Debug, Clone, Default)]
pub(super) struct Filed {
    /// Tokens not yet filed: `term << 32 | form`.
    pending: Vec<u64>,
    /// Filed counts per term, sorted by term id.
    pub(super) terms: Vec<(TermId, u64)>,
    /// Filed counts per form, sorted by form id.
    pub(super) forms: Vec<(FormId, u64)>,
}

/// Buffers reused across filings (one per builder).
#[derive(Debug, Default)]
pub(super) struct Scratch {
    terms: Vec<(u32, u64)>,
    forms: Vec<(u32, u64)>,
    merged: Vec<(u32, u64)>,
}

impl Filed {
    /// Counts one token of `term` written as `form`.
    #[inline]
    pub(super) fn add(&mut self, term: TermId, form: FormId, scratch: &mut Scratch) {
        self.pending.push((u64::from(term) << 32) | u64::from(form));
        if self.pending.len() >= PENDING.max(self.forms.len()) {
            self.file(scratch);
        }
    }

    /// Files the pending tokens.
    pub(super) fn file(&mut self, scratch: &mut Scratch) {
        if self.pending.is_empty() {
            return;
        }
        self.pending.sort_unstable();
        scratch.terms.clear();
        scratch.forms.clear();
        let mut i = 0;
        while i < self.pending.len() {
            let key = self.pending[i];
            let run = self.pending[i..].iter().take_while(|&&k| k == key).count();
            let (term, form) = ((key >> 32) as u32, key as u32);
            match scratch.terms.last_mut() {
                Some((t, n)) if *t == term => *n += run as u64,
                _ => scratch.terms.push((term, run as u64)),
            }
            scratch.forms.push((form, run as u64));
            i += run;
        }
        self.pending.clear();
        // A form belongs to one term, so forms are distinct here; their order is
        // by term first.
        scratch.forms.sort_unstable();
        add_sorted(&mut self.terms, &scratch.terms, &mut scratch.merged);
        add_sorted(&mut self.forms, &scratch.forms, &mut scratch.merged);
    }

    /// Adds filed counts (sorted by id) into this window's.
    pub(super) fn add_filed(
        &mut self,
        terms: &[(TermId, u64)],
        forms: &[(FormId, u64)],
        scratch: &mut Scratch,
    ) {
        add_sorted(&mut self.terms, terms, &mut scratch.merged);
        add_sorted(&mut self.forms, forms, &mut scratch.merged);
    }

    /// Whether nothing is pending.
    pub(super) fn is_filed(&self) -> bool {
        self.pending.is_empty()
    }
}

/// Adds `more` into `into`, both sorted by id with distinct ids; `merged` is a
/// buffer whose allocation the two trade.
pub(super) fn add_sorted(
    into: &mut Vec<(u32, u64)>,
    more: &[(u32, u64)],
    merged: &mut Vec<(u32, u64)>,
) {
    if more.is_empty() {
        return;
    }
    if into.is_empty() {
        into.extend_from_slice(more);
        return;
    }
    merged.clear();
    merged.reserve(into.len() + more.len());
    let (mut i, mut j) = (0, 0);
    while i < into.len() && j < more.len() {
        let (a, n) = into[i];
        let (b, m) = more[j];
        if a == b {
            merged.push((a, n + m));
            i += 1;
            j += 1;
        } else if a < b {
            merged.push((a, n));
            i += 1;
        } else {
            merged.push((b, m));
            j += 1;
        }
    }
    merged.extend_from_slice(&into[i..]);
    merged.extend_from_slice(&more[j..]);
    std::mem::swap(into, merged);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        #[test]
        fn filing_counts_every_token(tokens in prop::collection::vec((0u32..40, 0u32..3), 0..500)) {
            let mut filed = Filed::default();
            let mut scratch = Scratch::default();
            let (mut terms, mut forms) = (BTreeMap::new(), BTreeMap::new());
            for &(term, variant) in &tokens {
                let form = term * 3 + variant;
                filed.add(term, form, &mut scratch);
                *terms.entry(term).or_insert(0u64) += 1;
                *forms.entry(form).or_insert(0u64) += 1;
            }
            filed.file(&mut scratch);
            prop_assert!(filed.is_filed());
            prop_assert_eq!(filed.terms, terms.into_iter().collect::<Vec<_>>());
            prop_assert_eq!(filed.forms, forms.into_iter().collect::<Vec<_>>());
        }
    }
}
