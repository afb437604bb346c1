//! The hub between ticket writes and connected boards. News of each ticket goes out at
//! once. A board's figures are computed by a task of its own per program, never on the
//! streams that carry the news: at most once per `REFRESH` while tickets keep coming, and
//! never more than a third of the time (over 250,000 tickets a recomputation takes a while),
//! however many boards are watching.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use muster_domain::ticket::Ticket;
use muster_store::ticket::Summary;
use muster_store::{Store, StoreResult};
use serde::Serialize;
use tokio::sync::{Notify, broadcast, watch};

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

/// How fresh the board's figures are kept while tickets keep coming.
pub const REFRESH: Duration = Duration::from_secs(1);
/// How often watched figures are recomputed when nothing happens (ages and SLA clocks move).
const QUIET_REFRESH: Duration = Duration::from_secs(30);

/// The figures of one program's board, as last computed.
type Figures = Option<(Instant, Arc<Summary>)>;

struct Board {
    figures: watch::Sender<Figures>,
    news: Notify,
    /// Held while the figures are computed, so that callers wait for one computation
    /// instead of each starting their own.
    computing: tokio::sync::Mutex<()>,
}

impl Board {
    /// The last figures if still good: younger than `REFRESH`, or kept fresh by
    /// `keep_fresh` because boards are watching.
    fn current(&self) -> Option<Arc<Summary>> {
        let figures = self.figures.borrow();
        let (at, summary) = figures.as_ref()?;
        (at.elapsed() < REFRESH || self.figures.receiver_count() > 0).then(|| summary.clone())
    }

    async fn recompute(&self, store: &Store, program_id: i64) -> StoreResult<Arc<Summary>> {
        let summary = Arc::new(
            store
                .command_center_summary(program_id, chrono::Utc::now())
                .await?,
        );
        self.figures
            .send_replace(Some((Instant::now(), summary.clone())));
        Ok(summary)
    }
}

pub struct Hub {
    news: broadcast::Sender<News>,
    boards: Mutex<HashMap<i64, Arc<Board>>>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            news: broadcast::channel(4096).0,
            boards: Mutex::new(HashMap::new()),
        }
    }
}

/// What a connected board listens to: every ticket's news and each recomputation.
pub struct Subscription {
    pub news: broadcast::Receiver<News>,
    pub figures: watch::Receiver<Figures>,
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
        let board = self.lock().get(&program_id).cloned();
        if let Some(board) = board {
            board.news.notify_one();
        }
    }

    pub fn subscribe(&self, store: &Store, program_id: i64) -> Subscription {
        Subscription {
            news: self.news.subscribe(),
            figures: self.board(store, program_id).figures.subscribe(),
        }
    }

    /// The program's figures: the last computed while still good (`Board::current`), else
    /// computed now.
    pub async fn summary(&self, store: &Store, program_id: i64) -> StoreResult<Arc<Summary>> {
        let board = self.board(store, program_id);
        if let Some(summary) = board.current() {
            return Ok(summary);
        }
        let _computing = board.computing.lock().await;
        // Someone else may have computed them while this call waited.
        if let Some(summary) = board.current() {
            return Ok(summary);
        }
        board.recompute(store, program_id).await
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<Board>>> {
        self.boards.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The program's board, its figures task started on first use.
    fn board(&self, store: &Store, program_id: i64) -> Arc<Board> {
        let mut boards = self.lock();
        if let Some(board) = boards.get(&program_id) {
            return board.clone();
        }
        let board = Arc::new(Board {
            figures: watch::channel(None).0,
            news: Notify::new(),
            computing: tokio::sync::Mutex::new(()),
        });
        boards.insert(program_id, board.clone());
        tokio::spawn(keep_fresh(store.clone(), program_id, board.clone()));
        board
    }
}

/// Recomputes a watched board's figures after news, paced so that computing takes at most a
/// third of the time; unwatched boards are computed on demand by `Hub::summary` instead.
async fn keep_fresh(store: Store, program_id: i64, board: Arc<Board>) {
    loop {
        tokio::select! {
            _ = board.news.notified() => {}
            _ = tokio::time::sleep(QUIET_REFRESH) => {}
        }
        if board.figures.receiver_count() == 0 {
            continue;
        }
        let started = Instant::now();
        {
            let _computing = board.computing.lock().await;
            if let Err(e) = board.recompute(&store, program_id).await {
                tracing::warn!(error = %e, program_id, "board figures failed");
            }
        }
        let took = started.elapsed();
        tokio::time::sleep(REFRESH.max(took * 3).saturating_sub(took)).await;
    }
}
