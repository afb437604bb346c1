//! Task ids to positions in a list of tasks. A plan's ids come from one database sequence
//! and are usually dense, so a table indexed by `id - lowest` answers without hashing; ids
//! spread too thin for a table fall back to a hash map. The engine, the outline and the
//! kept schedule each look up every task and link of a 50,000-task plan this way.

use std::collections::HashMap;

use super::TaskId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskIndex {
    at: At,
    /// The first id given twice, if any (a later position replaces the earlier one).
    duplicate: Option<TaskId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum At {
    Table { low: TaskId, at: Vec<u32> },
    Map(HashMap<TaskId, u32>),
}

const NONE: u32 = u32::MAX;

impl TaskIndex {
    /// The index of `ids`, the id at position `k` mapping to `k`.
    pub fn new(ids: impl Iterator<Item = TaskId> + Clone) -> TaskIndex {
        let (mut n, mut low, mut high) = (0usize, TaskId::MAX, TaskId::MIN);
        for id in ids.clone() {
            n += 1;
            low = low.min(id);
            high = high.max(id);
        }
        let span = high.checked_sub(low).and_then(|s| usize::try_from(s).ok());
        let mut at = match span {
            Some(span) if n > 0 && span <= 4 * n + 1024 => At::Table {
                low,
                at: vec![NONE; span + 1],
            },
            _ => At::Map(HashMap::with_capacity(n)),
        };
        let mut duplicate = None;
        for (k, id) in ids.enumerate() {
            let taken = match &mut at {
                At::Table { low, at } => {
                    std::mem::replace(&mut at[(id - *low) as usize], k as u32) != NONE
                }
                At::Map(map) => map.insert(id, k as u32).is_some(),
            };
            if taken && duplicate.is_none() {
                duplicate = Some(id);
            }
        }
        TaskIndex { at, duplicate }
    }

    pub fn get(&self, id: TaskId) -> Option<usize> {
        let k = match &self.at {
            At::Table { low, at } => id
                .checked_sub(*low)
                .and_then(|k| usize::try_from(k).ok())
                .and_then(|k| at.get(k))
                .copied()
                .filter(|&k| k != NONE),
            At::Map(map) => map.get(&id).copied(),
        };
        k.map(|k| k as usize)
    }

    pub fn duplicate(&self) -> Option<TaskId> {
        self.duplicate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_and_sparse_ids_find_their_positions() {
        let dense = TaskIndex::new([7, 5, 6, -2].into_iter());
        assert!(matches!(dense.at, At::Table { .. }));
        assert_eq!(
            [7, 5, 6, -2, 4, 8, -3].map(|id| dense.get(id)),
            [Some(0), Some(1), Some(2), Some(3), None, None, None]
        );
        let sparse = TaskIndex::new([1, 1_000_000_000, i64::MIN].into_iter());
        assert!(matches!(sparse.at, At::Map(_)));
        assert_eq!(sparse.get(1_000_000_000), Some(1));
        assert_eq!(sparse.get(i64::MIN), Some(2));
        assert_eq!(sparse.get(2), None);
        assert_eq!(TaskIndex::new([3, 4, 3].into_iter()).duplicate(), Some(3));
        assert_eq!(TaskIndex::new(std::iter::empty()).get(0), None);
    }
}
