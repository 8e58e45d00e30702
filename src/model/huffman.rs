//! Huffman tree over class counts for hierarchical softmax (Mikolov et al. 2013, as in word2vec
//! and fastText): frequent classes get short paths, so a training step costs O(log n) dot
//! products on average instead of n.

/// Leaves are the classes `0..n`; internal nodes are `n..2n-1` and own output row `node - n`.
#[derive(Debug, Clone)]
pub struct HuffmanTree {
    n: usize,
    /// Children of internal node `n + j` at index `j`: (left, right).
    children: Vec<(u32, u32)>,
    /// CSR over leaves: `path_start[c]..path_start[c+1]` indexes `path_rows` and `path_codes`.
    path_start: Vec<u32>,
    /// Output rows of the internal nodes from the leaf up to the root.
    path_rows: Vec<u32>,
    /// Whether the step towards the leaf goes to the right child (the label of that node's
    /// binary classifier).
    path_codes: Vec<bool>,
}

impl HuffmanTree {
    /// Builds the tree; ties are broken as fastText does when `counts` is sorted by decreasing
    /// count (internal nodes win ties), so the paths match fastText's for the same vocabulary.
    pub fn new(counts: &[u64]) -> HuffmanTree {
        let n = counts.len();
        let total = (2 * n).saturating_sub(1);
        // Leaves by increasing count; among equal counts the later index first, as fastText
        // walks its descending-sorted leaves from the end.
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| counts[a].cmp(&counts[b]).then(b.cmp(&a)));
        let mut count = vec![0u64; total];
        count[..n].copy_from_slice(counts);
        let mut parent = vec![u32::MAX; total];
        let mut right = vec![false; total];
        let mut children = Vec::with_capacity(n.saturating_sub(1));
        let (mut leaf, mut node) = (0usize, n);
        for new in n..total {
            let mut pick = || {
                let take_leaf = leaf < n && (node >= new || count[order[leaf]] < count[node]);
                if take_leaf {
                    leaf += 1;
                    order[leaf - 1]
                } else {
                    node += 1;
                    node - 1
                }
            };
            let (a, b) = (pick(), pick());
            count[new] = count[a] + count[b];
            parent[a] = new as u32;
            parent[b] = new as u32;
            right[b] = true;
            children.push((a as u32, b as u32));
        }
        let mut path_start = Vec::with_capacity(n + 1);
        let (mut path_rows, mut path_codes) = (Vec::new(), Vec::new());
        path_start.push(0);
        for c in 0..n {
            let mut at = c;
            while parent[at] != u32::MAX {
                path_rows.push(parent[at] - n as u32);
                path_codes.push(right[at]);
                at = parent[at] as usize;
            }
            path_start.push(path_rows.len() as u32);
        }
        HuffmanTree {
            n,
            children,
            path_start,
            path_rows,
            path_codes,
        }
    }

    pub fn leaves(&self) -> usize {
        self.n
    }

    /// The (output row, go-right) steps from leaf `class` up to the root.
    pub fn path(&self, class: u32) -> (&[u32], &[bool]) {
        let c = class as usize;
        let range = self.path_start[c] as usize..self.path_start[c + 1] as usize;
        (&self.path_rows[range.clone()], &self.path_codes[range])
    }

    /// The root node id, or `None` for a tree with a single leaf (which has probability 1).
    pub fn root(&self) -> Option<usize> {
        (self.n > 1).then(|| 2 * self.n - 2)
    }

    /// Children of internal node `node` (which must be ≥ `leaves()`).
    pub fn children(&self, node: usize) -> (usize, usize) {
        let (l, r) = self.children[node - self.n];
        (l as usize, r as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequent_leaves_get_shorter_paths() {
        let counts = [100, 50, 20, 10, 5, 2, 1];
        let t = HuffmanTree::new(&counts);
        let len = |c| t.path(c).0.len();
        assert!(len(0) <= len(3) && len(3) <= len(6));
        assert_eq!(len(0), 1);
        // Kraft equality: a full binary tree's leaves satisfy Σ 2^-depth = 1.
        let kraft: f64 = (0..7).map(|c| 0.5f64.powi(len(c) as i32)).sum();
        assert!((kraft - 1.0).abs() < 1e-12);
    }

    #[test]
    fn textbook_example_lengths() {
        // Counts 5,9,12,13,16,45 (CLRS): code lengths 4,4,3,3,3,1.
        let t = HuffmanTree::new(&[45, 16, 13, 12, 9, 5]);
        let lens: Vec<usize> = (0..6).map(|c| t.path(c).0.len()).collect();
        assert_eq!(lens, vec![1, 3, 3, 3, 4, 4]);
    }

    #[test]
    fn paths_are_consistent_with_children() {
        let t = HuffmanTree::new(&[7, 7, 3, 3, 3, 1]);
        for c in 0..6u32 {
            // Walk down from the root following the codes in reverse; we must land on c.
            let (rows, codes) = t.path(c);
            let mut node = t.root().unwrap();
            for (row, right) in rows.iter().zip(codes).rev() {
                assert_eq!(*row as usize, node - t.leaves());
                let (l, r) = t.children(node);
                node = if *right { r } else { l };
            }
            assert_eq!(node, c as usize);
        }
    }

    #[test]
    fn single_leaf_has_empty_path() {
        let t = HuffmanTree::new(&[3]);
        assert!(t.path(0).0.is_empty());
        assert_eq!(t.root(), None);
    }
}
