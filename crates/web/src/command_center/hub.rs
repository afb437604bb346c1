//! The hub between ticket writes and connected boards: news of each ticket goes out at
//! once; the board's figures are computed at most once a second per program, however many
//! boards are watching.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use muster_domain::ticket::Ticket;
use muster_store::ticket::Summary;
use muster_store::{Store, StoreResult};
use serde::Serialize;
use tokio::sync::{Mutex, broadcast};

/// A ticket that arrived or changed.
#[derive(Debug, Clone, Serialize)]
pub struct News {
    #[serde(skip)]
    pub program_id: i64,
    pub id: i64,
    pub number: i64,
    pub summary: String,
    pub priority: &'static str,
    pub status: &'static str,
    pub patient_safety: bool,
    pub at: chrono::DateTime<chrono::Utc>,
}

pub struct Hub {
    news: broadcast::Sender<News>,
    figures: Mutex<HashMap<i64, (Instant, Arc<Summary>)>>,
}

/// How fresh the board's figures are kept.
pub const REFRESH: Duration = Duration::from_secs(1);

impl Default for Hub {
    fn default() -> Self {
        Hub {
            news: broadcast::channel(4096).0,
            figures: Mutex::new(HashMap::new()),
        }
    }
}

impl Hub {
    pub fn publish(&self, program_id: i64, t: &Ticket) {
        // No board watching is not an error.
        let _ = self.news.send(News {
            program_id,
            id: t.id,
            number: t.number,
            summary: t.summary.clone(),
            priority: t.priority.label(),
            status: t.status.label(),
            patient_safety: t.patient_safety,
            at: t.updated_at,
        });
    }

    pub fn subscribe(&self) -> broadcast::Receiver<News> {
        self.news.subscribe()
    }

    /// The program's figures, recomputed when older than `REFRESH`.
    pub async fn summary(&self, store: &Store, program_id: i64) -> StoreResult<Arc<Summary>> {
        let mut figures = self.figures.lock().await;
        if let Some((at, summary)) = figures.get(&program_id)
            && at.elapsed() < REFRESH
        {
            return Ok(summary.clone());
        }
        let summary = Arc::new(
            store
                .command_center_summary(program_id, chrono::Utc::now())
                .await?,
        );
        figures.insert(program_id, (Instant::now(), summary.clone()));
        Ok(summary)
    }
}
