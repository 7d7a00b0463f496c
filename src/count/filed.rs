//! The term and form counts of one window while counting, in a layout whose cost
//! per token does not grow with the number of windows a worker touches, and
//! whose memory, once the worker has moved past the window, is its packed counts.
//!
//! A token is a push of its `(term, form)` pair onto the window's pending list;
//! once the list is as long as what the window has filed (and at least
//! [`PENDING`]), it is sorted and added into the window's filed counts: two
//! vectors sorted by id. Each filing costs about as much as the pushes since the
//! last one, so a token costs a push and a share of one sort, with no hash table
//! per window to grow, rehash and fault in page by page.
//!
//! A window the worker has moved past is packed ([`Filed::pack`]): its counts
//! become [`Packed`] lists of 2–3 bytes a pair, and its vectors and pending list
//! are freed. As vectors (16 bytes a pair, and a pending list sized like its
//! forms) the windows of 1 GB of transcript held gigabytes. A token for a packed
//! window unpacks it again; in text read in time order that is a window at the
//! edge of a batch, once.

use super::packed::Packed;
use super::{FormId, TermId};

/// The shortest pending list that is filed.
const PENDING: usize = 64;

/// One window's counts while counting.
///
/// Its counts are in `terms` and `forms` while open, in `packed_terms` and
/// `packed_forms` once packed; never in both.
#[derive(Debug, Clone, Default)]
pub(super) struct Filed {
    /// Tokens not yet filed: `term << 32 | form`.
    pending: Vec<u64>,
    /// Filed counts per term, sorted by term id.
    terms: Vec<(TermId, u64)>,
    /// Filed counts per form, sorted by form id.
    forms: Vec<(FormId, u64)>,
    /// The counts per term of a packed window.
    packed_terms: Packed,
    /// The counts per form of a packed window.
    packed_forms: Packed,
    /// Whether a token was counted here since the builder's last batch ended
    /// (see `CountBuilder::end_batch`).
    pub(super) touched: bool,
}

/// A window's counts per term and per form, sorted by id.
pub(super) type FiledCounts = (Vec<(TermId, u64)>, Vec<(FormId, u64)>);

/// Buffers reused across filings (one per builder).
#[derive(Debug, Default)]
pub(super) struct Scratch {
    terms: Vec<(u32, u64)>,
    forms: Vec<(u32, u64)>,
}

impl Filed {
    /// A packed window holding finished counts.
    pub(super) fn packed(terms: Packed, forms: Packed) -> Filed {
        Filed {
            packed_terms: terms,
            packed_forms: forms,
            ..Filed::default()
        }
    }

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
        self.unpack();
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
        add_sorted(&mut self.terms, &scratch.terms);
        add_sorted(&mut self.forms, &scratch.forms);
        // The next filing comes when as many tokens are pending as there are
        // forms filed: the list is sized for exactly that, not to the next power
        // of two it would double to.
        let next = PENDING.max(self.forms.len());
        if self.pending.capacity() < next {
            self.pending = Vec::with_capacity(next + next / 8);
        }
    }

    /// Files what is pending and packs the counts, freeing the vectors.
    pub(super) fn pack(&mut self, scratch: &mut Scratch) {
        self.file(scratch);
        self.pending = Vec::new();
        if !self.terms.is_empty() || !self.forms.is_empty() {
            self.packed_terms = Packed::from_sorted(&self.terms);
            self.packed_forms = Packed::from_sorted(&self.forms);
            self.terms = Vec::new();
            self.forms = Vec::new();
        }
    }

    /// Makes a packed window's counts vectors again.
    fn unpack(&mut self) {
        if !self.packed_terms.is_empty() || !self.packed_forms.is_empty() {
            self.terms = self.packed_terms.to_vec();
            self.forms = self.packed_forms.to_vec();
            self.packed_terms = Packed::new();
            self.packed_forms = Packed::new();
        }
    }

    /// Adds filed counts (sorted by id) into this window's.
    pub(super) fn add_filed(&mut self, terms: &[(TermId, u64)], forms: &[(FormId, u64)]) {
        self.unpack();
        add_sorted(&mut self.terms, terms);
        add_sorted(&mut self.forms, forms);
    }

    /// Keeps the term counts and form counts for which `term` and `form` are true.
    pub(super) fn retain(
        &mut self,
        scratch: &mut Scratch,
        term: impl Fn(TermId) -> bool,
        form: impl Fn(FormId) -> bool,
    ) {
        let packed = !self.packed_terms.is_empty() || !self.packed_forms.is_empty();
        self.file(scratch);
        self.unpack();
        self.terms.retain(|&(t, _)| term(t));
        self.forms.retain(|&(f, _)| form(f));
        if packed {
            self.pack(scratch);
        }
    }

    /// The filed counts, per term and per form, sorted by id.
    pub(super) fn into_filed(mut self, scratch: &mut Scratch) -> FiledCounts {
        self.file(scratch);
        self.unpack();
        (self.terms, self.forms)
    }

    /// Whether nothing is pending.
    #[cfg(test)]
    fn is_filed(&self) -> bool {
        self.pending.is_empty()
    }
}

/// Adds `more` into `into`, both sorted by id with distinct ids, in place.
///
/// Merging into a second buffer and swapping would leave every window holding a
/// buffer sized for both inputs (up to twice its contents, and on records with
/// 20,000 forms per window that was most of a run's peak): instead the ids new to
/// `into` are counted first, `into` grows by those (plus an eighth, so that
/// growth stays geometric), and the two are merged backwards into the space.
pub(crate) fn add_sorted(into: &mut Vec<(u32, u64)>, more: &[(u32, u64)]) {
    if more.is_empty() {
        return;
    }
    let n = into.len();
    let (mut i, mut j, mut new) = (0, 0, 0);
    while j < more.len() {
        if i == n {
            new += more.len() - j;
            break;
        }
        match into[i].0.cmp(&more[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Greater => {
                new += 1;
                j += 1;
            }
        }
    }
    if into.capacity() < n + new {
        into.reserve_exact(new + n / 8);
    }
    into.resize(n + new, (0, 0));
    let (mut i, mut j, mut k) = (n, more.len(), n + new);
    // Once `more` is used up, what is left of `into` is already in place (k == i).
    while j > 0 {
        k -= 1;
        let (b, m) = more[j - 1];
        match into[..i].last() {
            Some(&(a, x)) if a > b => {
                into[k] = (a, x);
                i -= 1;
            }
            Some(&(a, x)) if a == b => {
                into[k] = (a, x + m);
                i -= 1;
                j -= 1;
            }
            _ => {
                into[k] = (b, m);
                j -= 1;
            }
        }
    }
    debug_assert_eq!(i, k);
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
            let (got_terms, got_forms) = filed.into_filed(&mut scratch);
            prop_assert_eq!(got_terms, terms.into_iter().collect::<Vec<_>>());
            prop_assert_eq!(got_forms, forms.into_iter().collect::<Vec<_>>());
        }

        #[test]
        fn packing_between_tokens_changes_no_count(tokens in prop::collection::vec((0u32..40, 0u32..3, any::<bool>()), 0..300)) {
            let (mut filed, mut plain) = (Filed::default(), Filed::default());
            let mut scratch = Scratch::default();
            for &(term, variant, pack) in &tokens {
                let form = term * 3 + variant;
                filed.add(term, form, &mut scratch);
                plain.add(term, form, &mut scratch);
                if pack {
                    filed.pack(&mut scratch);
                    prop_assert!(filed.terms.is_empty() && filed.pending.capacity() == 0);
                }
            }
            prop_assert_eq!(filed.into_filed(&mut scratch), plain.into_filed(&mut scratch));
        }

        #[test]
        fn adding_sorted_in_place_sums_by_id(
            a in prop::collection::btree_map(0u32..200, 1u64..50, 0..120),
            b in prop::collection::btree_map(0u32..200, 1u64..50, 0..120),
        ) {
            let mut into: Vec<(u32, u64)> = a.iter().map(|(&k, &v)| (k, v)).collect();
            let more: Vec<(u32, u64)> = b.iter().map(|(&k, &v)| (k, v)).collect();
            add_sorted(&mut into, &more);
            let mut sum = a.clone();
            for (k, v) in b {
                *sum.entry(k).or_insert(0) += v;
            }
            prop_assert_eq!(into.clone(), sum.into_iter().collect::<Vec<_>>());
            // Grown by what was new, not to the sum of both lengths.
            prop_assert!(into.capacity() <= into.len() + into.len() / 8 + 1);
        }
    }
}
