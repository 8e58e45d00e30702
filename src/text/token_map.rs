//! `TokenMap`: a hash map from tokens to values, built for the hot paths that see every token of a
//! corpus (counting, the stem cache). Looking a token up never allocates. Keys of up to
//! `INLINE` bytes (nearly every word) live in the table slot next to their value, so a hit reads
//! one slot and compares one 128-bit integer instead of following a pointer to call `memcmp`;
//! longer keys live in one arena.

use hashbrown::hash_table::Entry;
use hashbrown::HashTable;
use std::hash::{BuildHasher, Hasher};

/// Keys up to this many bytes are stored in the entry itself.
const INLINE: usize = 16;

fn hash(token: &[u8]) -> u64 {
    // A fixed seed keeps iteration order, and so everything derived from it, reproducible.
    let mut hasher = foldhash::fast::FixedState::with_seed(0).build_hasher();
    hasher.write(token);
    hasher.finish()
}

/// Up to 8 bytes as a little-endian integer, zero-padded, built from a few loads rather than a
/// byte-wise copy (whose narrow stores would stall the wide load that reads them back).
fn load_short(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    if n >= 4 {
        // Two overlapping 4-byte loads; the overlap holds the same bytes in both.
        let first = u32::from_le_bytes(bytes[..4].try_into().expect("4 bytes")) as u64;
        let last = u32::from_le_bytes(bytes[n - 4..].try_into().expect("4 bytes")) as u64;
        first | last << (8 * (n - 4))
    } else if n > 0 {
        bytes[0] as u64
            | (bytes[n / 2] as u64) << (8 * (n / 2))
            | (bytes[n - 1] as u64) << (8 * (n - 1))
    } else {
        0
    }
}

/// A short key's bytes, zero-padded, as one integer (0 for longer keys).
fn padded(token: &[u8]) -> u128 {
    match token.len() {
        0..=8 => load_short(token) as u128,
        9..=INLINE => {
            let low = u64::from_le_bytes(token[..8].try_into().expect("8 bytes"));
            low as u128 | (load_short(&token[8..]) as u128) << 64
        }
        _ => 0,
    }
}

/// A key: its bytes zero-padded when short, otherwise its offset in the arena (first 8 bytes).
#[derive(Debug, Clone, Copy)]
struct Key {
    len: usize,
    bytes: [u8; INLINE],
}

impl Key {
    fn store(token: &[u8], arena: &mut Vec<u8>) -> Key {
        let bytes = if token.len() <= INLINE {
            padded(token).to_le_bytes()
        } else {
            let offset = arena.len() as u128;
            arena.extend_from_slice(token);
            offset.to_le_bytes()
        };
        Key {
            len: token.len(),
            bytes,
        }
    }

    fn get<'a>(&'a self, arena: &'a [u8]) -> &'a [u8] {
        if self.len <= INLINE {
            &self.bytes[..self.len]
        } else {
            let start = u128::from_le_bytes(self.bytes) as usize;
            &arena[start..start + self.len]
        }
    }

    fn matches(&self, token: &[u8], padded: u128, arena: &[u8]) -> bool {
        self.len == token.len()
            && if self.len <= INLINE {
                u128::from_le_bytes(self.bytes) == padded
            } else {
                self.get(arena) == token
            }
    }
}

#[derive(Debug, Clone)]
struct Slot<V> {
    key: Key,
    value: V,
}

/// A map from tokens to `V`. Iteration order depends only on the keys and the order they were
/// inserted in.
#[derive(Debug, Clone)]
pub struct TokenMap<V> {
    table: HashTable<Slot<V>>,
    /// Bytes of the keys longer than [`INLINE`].
    arena: Vec<u8>,
}

impl<V> Default for TokenMap<V> {
    fn default() -> Self {
        TokenMap {
            table: HashTable::new(),
            arena: Vec::new(),
        }
    }
}

impl<V> TokenMap<V> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    pub fn clear(&mut self) {
        self.table.clear();
        self.arena.clear();
    }

    pub fn get(&self, token: &str) -> Option<&V> {
        let token = token.as_bytes();
        let padded = padded(token);
        self.table
            .find(hash(token), |slot| {
                slot.key.matches(token, padded, &self.arena)
            })
            .map(|slot| &slot.value)
    }

    /// The value of `token`, inserted with `make` if absent.
    pub fn get_or_insert_with(&mut self, token: &str, make: impl FnOnce() -> V) -> &mut V {
        let token = token.as_bytes();
        let padded = padded(token);
        let arena = &self.arena;
        let entry = self.table.entry(
            hash(token),
            |slot| slot.key.matches(token, padded, arena),
            |slot| hash(slot.key.get(arena)),
        );
        match entry {
            Entry::Occupied(entry) => &mut entry.into_mut().value,
            Entry::Vacant(entry) => {
                let key = Key::store(token, &mut self.arena);
                &mut entry.insert(Slot { key, value: make() }).into_mut().value
            }
        }
    }

    /// Every key with its value, in the table's order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.table.iter().map(|slot| {
            let key =
                std::str::from_utf8(slot.key.get(&self.arena)).expect("keys are inserted as str");
            (key, &slot.value)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn short_long_and_empty_keys() {
        let long = "a".repeat(INLINE + 1);
        let mut map = TokenMap::new();
        let keys = ["", "cat", "0123456789abcdef", long.as_str(), "héllo"];
        for (i, key) in keys.into_iter().enumerate() {
            *map.get_or_insert_with(key, || i) += 10;
        }
        assert_eq!(map.len(), 5);
        assert_eq!(map.get(""), Some(&10));
        assert_eq!(map.get("cat"), Some(&11));
        assert_eq!(map.get("0123456789abcdef"), Some(&12));
        assert_eq!(map.get(&long), Some(&13));
        assert_eq!(map.get("héllo"), Some(&14));
        let mut found: Vec<&str> = map.iter().map(|(k, _)| k).collect();
        found.sort_unstable();
        let mut expected = keys.to_vec();
        expected.sort_unstable();
        assert_eq!(found, expected);
        // Same padded bytes or same prefix, different key.
        assert_eq!(map.get("cat\0"), None);
        assert_eq!(map.get(&"a".repeat(INLINE + 2)), None);
        assert_eq!(map.get(&"a".repeat(INLINE)), None);
        map.clear();
        assert!(map.is_empty() && map.get("cat").is_none());
    }

    #[test]
    fn short_keys_pad_every_length_exactly() {
        let text = "abcdefghijklmnop";
        for n in 0..=INLINE {
            let mut expected = [0u8; INLINE];
            expected[..n].copy_from_slice(&text.as_bytes()[..n]);
            assert_eq!(
                padded(&text.as_bytes()[..n]),
                u128::from_le_bytes(expected),
                "{n}"
            );
        }
    }

    proptest! {
        #[test]
        fn agrees_with_a_std_hash_map(words in proptest::collection::vec("[a-c]{0,3}|[a-cé]{7,10}|[a-c]{15,19}", 0..300)) {
            let mut map = TokenMap::new();
            let mut reference = std::collections::HashMap::new();
            for w in &words {
                *map.get_or_insert_with(w, || 0u32) += 1;
                *reference.entry(w.clone()).or_insert(0u32) += 1;
            }
            prop_assert_eq!(map.len(), reference.len());
            for (w, n) in &reference {
                prop_assert_eq!(map.get(w), Some(n));
            }
            let collected: std::collections::HashMap<String, u32> =
                map.iter().map(|(k, v)| (k.to_string(), *v)).collect();
            prop_assert_eq!(collected, reference);
        }
    }
}
