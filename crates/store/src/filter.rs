//! Filters shared by list queries.

use sea_orm::sea_query::{Expr, ExprTrait, Func, SimpleExpr};
use sea_orm::{ColumnTrait, Condition};

/// Rows where any of `columns` contains `text`, ignoring case.
pub(crate) fn contains<C: ColumnTrait>(columns: &[C], text: &str) -> Condition {
    let pattern = format!(
        "%{}%",
        text.trim().to_lowercase().replace(['\\', '%', '_'], "")
    );
    columns.iter().fold(Condition::any(), |cond, col| {
        let lowered: SimpleExpr = Func::lower(Expr::col(*col)).into();
        cond.add(lowered.like(pattern.as_str()))
    })
}
