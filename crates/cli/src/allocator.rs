//! The C allocator's arena cap.
//!
//! glibc gives each thread that allocates under contention an arena of its own, up to eight
//! per core, and keeps freed memory in each. The server runs SQLite work on a worker thread
//! per pooled connection, so after a burst of writes and aggregate queries the process held
//! three times the memory it needed (docs/performance.md, "Command center": 1.4 GiB against
//! 301 MiB with two arenas on the same run). Two arenas keep allocation mostly uncontended on
//! the machines Muster targets and bound what freed memory can pin.

/// How many malloc arenas the process may use unless `MALLOC_ARENA_MAX` says otherwise.
const ARENAS: i32 = 2;

/// Caps the arenas. Call first in `main`, before any thread starts: a thread keeps the arena
/// it was given. An explicit `MALLOC_ARENA_MAX` in the environment (read by glibc itself)
/// wins, so operators can still tune it.
pub fn cap_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tunable of the C allocator; it is called before any other
    // thread exists, and a failure (return 0) leaves the default in place.
    #[allow(unsafe_code)]
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, ARENAS);
    }
}
