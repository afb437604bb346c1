//! Keyset paging over `(name, id)`, shared by every list that is sorted by name.

use muster_domain::paging::{Cursor, Page};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};

/// Restricts `query` to the rows after `cursor` in `(name, id)` order and fetches one row
/// more than `limit`, so that the caller can tell whether there is a next page.
pub(crate) fn after<E, N, I>(
    query: Select<E>,
    name: N,
    id: I,
    cursor: Option<&Cursor>,
    limit: u64,
) -> Select<E>
where
    E: EntityTrait,
    N: ColumnTrait,
    I: ColumnTrait,
{
    let query = match cursor {
        Some(c) => query.filter(
            Condition::any().add(name.gt(c.key.as_str())).add(
                Condition::all()
                    .add(name.eq(c.key.as_str()))
                    .add(id.gt(c.id)),
            ),
        ),
        None => query,
    };
    query.order_by_asc(name).order_by_asc(id).limit(limit + 1)
}

/// Makes a page from `limit + 1` fetched rows.
pub(crate) fn page<T>(
    mut items: Vec<T>,
    limit: u64,
    total: u64,
    key: impl Fn(&T) -> (String, i64),
) -> Page<T> {
    let next_cursor = if items.len() as u64 > limit {
        items.truncate(limit as usize);
        items.last().map(|last| {
            let (key, id) = key(last);
            Cursor { key, id }.encode()
        })
    } else {
        None
    };
    Page {
        items,
        next_cursor,
        total,
    }
}
