//! Finding a key among the entries of a mapping being built, in constant time once
//! the mapping is large: decoding a mapping of n keys stays linear in n.

use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashTable};

/// Below this many entries a linear scan is faster than hashing.
const LINEAR_LIMIT: usize = 16;

/// The positions of the distinct keys of one mapping's entries.
#[derive(Default)]
pub struct KeyIndex {
    /// Each key's hash and position, once the mapping outgrows a linear scan.
    table: Option<HashTable<(u64, usize)>>,
}

impl KeyIndex {
    /// The position in `items` of the entry whose key `same` accepts (its key
    /// hashes to `hash`); `hash_of` hashes an entry's key.
    pub fn find<T>(
        &mut self,
        items: &[T],
        hash: u64,
        same: impl Fn(&T) -> bool,
        hash_of: impl Fn(&T) -> u64,
    ) -> Option<usize> {
        if self.table.is_none() {
            if items.len() < LINEAR_LIMIT {
                return items.iter().position(same);
            }
            let mut table = HashTable::with_capacity(items.len() * 2);
            for (i, item) in items.iter().enumerate() {
                table.insert_unique(hash_of(item), (hash_of(item), i), |e| e.0);
            }
            self.table = Some(table);
        }
        self.table.as_ref().and_then(|t| t.find(hash, |e| same(&items[e.1])).map(|e| e.1))
    }

    /// Records that the entry at position `at` (just pushed) has a key hashing to `hash`.
    pub fn added(&mut self, at: usize, hash: u64) {
        if let Some(t) = &mut self.table {
            t.insert_unique(hash, (hash, at), |e| e.0);
        }
    }
}

/// The hasher of one decoding run (seeded at random, so crafted keys cannot make
/// lookups slow).
pub type KeyHasher = DefaultHashBuilder;

/// A new [`KeyHasher`].
pub fn hasher() -> KeyHasher {
    KeyHasher::default()
}

/// The hash of `v` under `state`.
pub fn hash_of<H: std::hash::Hash + ?Sized>(state: &KeyHasher, v: &H) -> u64 {
    state.hash_one(v)
}
