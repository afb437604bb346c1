//! Keyset paging over `(name, id)`, shared by every list that is sorted by name.

use muster_domain::paging::{Cursor, Page};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, Select,
};

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
    let start = cursor.map(|c| (c.key.clone(), c.id));
    after_key(query, name, id, start, Order::Asc, limit)
}

/// `after` for any sort key type (a date), with ids ascending or, for "newest first"
/// within each key, descending.
pub(crate) fn after_key<E, K, I, V>(
    query: Select<E>,
    key: K,
    id: I,
    start: Option<(V, i64)>,
    id_order: Order,
    limit: u64,
) -> Select<E>
where
    E: EntityTrait,
    K: ColumnTrait,
    I: ColumnTrait,
    V: Into<sea_orm::Value> + Clone,
{
    let query = match start {
        Some((value, last_id)) => {
            let next_id = match id_order {
                Order::Desc => id.lt(last_id),
                _ => id.gt(last_id),
            };
            query.filter(
                Condition::any()
                    .add(key.gt(value.clone()))
                    .add(Condition::all().add(key.eq(value)).add(next_id)),
            )
        }
        None => query,
    };
    query
        .order_by_asc(key)
        .order_by(id, id_order)
        .limit(limit + 1)
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

/// The format of a date key in a cursor.
pub(crate) const DATE: &str = "%Y-%m-%d";

/// Where a list sorted by a date column starts again: the cursor's (date, id).
pub(crate) fn date_start(
    cursor: Option<&Cursor>,
) -> crate::StoreResult<Option<(chrono::NaiveDate, i64)>> {
    cursor
        .map(|c| {
            chrono::NaiveDate::parse_from_str(&c.key, DATE)
                .map(|day| (day, c.id))
                .map_err(|_| crate::StoreError::invalid("cursor", "is not a cursor of this list"))
        })
        .transpose()
}
