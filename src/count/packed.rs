//! Sorted `(id, count)` pairs stored compactly: what a finished window or unit
//! keeps of its counts.
//!
//! Counts are held for every window and every unit of a run, and as `(u32, u64)`
//! pairs (16 bytes each) they were most of a large run's memory: on 1 GB of
//! transcript, tens of millions of pairs. Ids are sorted and distinct, so each
//! pair is stored as the gap from the previous id and its count, in LEB128
//! varints; a count of 1 (most of them) is a flag in the gap's low bit and takes
//! no byte of its own. A typical pair takes 2–3 bytes. Counts stay exact `u64`s:
//! a varint has as many bytes as a value needs, nothing is ever truncated.
//!
//! Pairs are read in order ([`Packed::iter`]); the few readers that need random
//! access decode a window into a vector first ([`Packed::to_vec`]).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Sorted pairs of distinct ids and their counts, delta and varint coded.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Packed {
    /// The coded pairs.
    bytes: Box<[u8]>,
    /// How many pairs.
    len: usize,
}

impl Packed {
    /// No pairs.
    pub fn new() -> Packed {
        Packed::default()
    }

    /// Packs pairs sorted by id, ids distinct.
    ///
    /// # Panics
    ///
    /// When the ids are not strictly increasing (a caller's bug: the decoded
    /// pairs would differ from these).
    pub fn from_sorted(pairs: &[(u32, u64)]) -> Packed {
        let mut bytes = Vec::with_capacity(pairs.len() * 3);
        encode_into(&mut bytes, pairs.iter().copied());
        Packed {
            bytes: bytes.into_boxed_slice(),
            len: pairs.len(),
        }
    }

    /// How many pairs.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes the pairs take.
    pub fn encoded_len(&self) -> usize {
        self.bytes.len()
    }

    /// The pairs in id order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            bytes: &self.bytes,
            left: self.len,
            next_id: 0,
        }
    }

    /// The pairs as a vector.
    pub fn to_vec(&self) -> Vec<(u32, u64)> {
        let mut pairs = Vec::with_capacity(self.len);
        pairs.extend(self.iter());
        pairs
    }

    /// Decodes the pairs onto the end of `into` (reusing its buffer).
    pub fn decode_into(&self, into: &mut Vec<(u32, u64)>) {
        into.reserve(self.len);
        into.extend(self.iter());
    }

    /// The count of `id` (0 when absent), by a scan that stops at the first id
    /// past it.
    pub fn get(&self, id: u32) -> u64 {
        for (i, n) in self.iter() {
            if i >= id {
                return if i == id { n } else { 0 };
            }
        }
        0
    }
}

/// Appends `pairs` (strictly increasing ids) to `bytes`, coded.
fn encode_into(bytes: &mut Vec<u8>, pairs: impl Iterator<Item = (u32, u64)>) {
    let mut next_id = 0u64;
    for (id, count) in pairs {
        let id = u64::from(id);
        assert!(id >= next_id, "packed pairs must have increasing ids");
        let gap = id - next_id;
        next_id = id + 1;
        if count == 1 {
            put(bytes, (gap << 1) | 1);
        } else {
            put(bytes, gap << 1);
            put(bytes, count);
        }
    }
}

/// Appends `value` as a LEB128 varint.
#[inline]
pub(crate) fn put(bytes: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        bytes.push((value as u8) | 0x80);
        value >>= 7;
    }
    bytes.push(value as u8);
}

/// Reads a LEB128 varint at the start of `bytes`; returns it and the rest.
#[inline]
pub(crate) fn take(bytes: &[u8]) -> (u64, &[u8]) {
    let mut value = 0u64;
    let mut shift = 0;
    for (i, &b) in bytes.iter().enumerate() {
        value |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return (value, &bytes[i + 1..]);
        }
        shift += 7;
    }
    unreachable!("a packed varint ends within its bytes")
}

/// The pairs of a [`Packed`], in id order.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    bytes: &'a [u8],
    left: usize,
    next_id: u64,
}

impl Iterator for Iter<'_> {
    type Item = (u32, u64);

    #[inline]
    fn next(&mut self) -> Option<(u32, u64)> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let (key, rest) = take(self.bytes);
        let id = self.next_id + (key >> 1);
        let (count, rest) = if key & 1 == 1 { (1, rest) } else { take(rest) };
        self.bytes = rest;
        self.next_id = id + 1;
        Some((id as u32, count))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a Packed {
    type Item = (u32, u64);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl From<Vec<(u32, u64)>> for Packed {
    fn from(pairs: Vec<(u32, u64)>) -> Packed {
        Packed::from_sorted(&pairs)
    }
}

impl From<&[(u32, u64)]> for Packed {
    fn from(pairs: &[(u32, u64)]) -> Packed {
        Packed::from_sorted(pairs)
    }
}

impl<const N: usize> PartialEq<[(u32, u64); N]> for Packed {
    fn eq(&self, other: &[(u32, u64); N]) -> bool {
        self.len == N && self.iter().eq(other.iter().copied())
    }
}

impl fmt::Debug for Packed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Serialized as the list of pairs it holds, as the `Vec<(u32, u64)>` it
/// replaced was: shard files and JSON do not change.
impl Serialize for Packed {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Packed {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Packed, D::Error> {
        let pairs = Vec::<(u32, u64)>::deserialize(deserializer)?;
        if pairs.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err(serde::de::Error::custom(
                "counts must be sorted by id, ids distinct",
            ));
        }
        Ok(Packed::from_sorted(&pairs))
    }
}

/// A list of `(id, count)` pairs sorted by id, however it is held: what readers
/// of counts take, so that they read packed and plain lists alike.
pub trait Pairs {
    /// The pairs in id order.
    fn pairs(&self) -> impl Iterator<Item = (u32, u64)> + '_;
}

impl Pairs for Packed {
    fn pairs(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        self.iter()
    }
}

impl Pairs for [(u32, u64)] {
    fn pairs(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        self.iter().copied()
    }
}

impl Pairs for Vec<(u32, u64)> {
    fn pairs(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        self.iter().copied()
    }
}

impl<T: Pairs + ?Sized> Pairs for &T {
    fn pairs(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        (**self).pairs()
    }
}

/// The count of `id` in pairs sorted by id (0 when absent), by binary search:
/// for readers that look many ids up in one window, after decoding it once.
pub fn count_of(pairs: &[(u32, u64)], id: u32) -> u64 {
    pairs
        .binary_search_by_key(&id, |&(t, _)| t)
        .map_or(0, |i| pairs[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn typical_pairs_take_two_or_three_bytes() {
        let p = Packed::from_sorted(&[(5, 1), (4_000, 1), (9_000, 2), (9_001, 1)]);
        assert_eq!(p.len(), 4);
        // 5: one byte; 4,000 − 6 = 3,994, doubled: two; 4,999 doubled: two, and
        // the count one; the neighbour: one.
        assert_eq!(p.encoded_len(), 1 + 2 + 3 + 1);
        assert_eq!(p.get(9_000), 2);
        assert_eq!(p.get(8_999), 0);
        assert_eq!(p.get(u32::MAX), 0);
    }

    #[test]
    fn extremes_round_trip_exactly() {
        let pairs = [
            (0, u64::MAX),
            (1, 0),
            (u32::MAX - 1, 1),
            (u32::MAX, u64::MAX),
        ];
        let p = Packed::from_sorted(&pairs);
        assert_eq!(p.to_vec(), pairs);
        assert_eq!(p, pairs);
    }

    #[test]
    fn serializes_as_the_pairs() {
        let p = Packed::from_sorted(&[(1, 2), (3, 1)]);
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, "[[1,2],[3,1]]");
        assert_eq!(serde_json::from_str::<Packed>(&json).unwrap(), p);
        assert!(serde_json::from_str::<Packed>("[[3,1],[1,2]]").is_err());
    }

    proptest! {
        #[test]
        fn packing_round_trips(ids in prop::collection::btree_set(any::<u32>(), 0..200),
                               counts in prop::collection::vec(prop_oneof![Just(1u64), any::<u64>(), 0u64..300], 200)) {
            let pairs: Vec<(u32, u64)> = ids.into_iter().zip(counts).collect();
            let p = Packed::from_sorted(&pairs);
            prop_assert_eq!(p.len(), pairs.len());
            prop_assert_eq!(p.to_vec(), pairs.clone());
            for &(id, n) in &pairs {
                prop_assert_eq!(p.get(id), n);
            }
        }
    }
}
