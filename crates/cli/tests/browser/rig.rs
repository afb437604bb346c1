//! The processes a browser test needs: the real `muster` binary serving the demo program from
//! a fresh database, and chromedriver driving a headless Chromium. Each is owned by a guard
//! whose `Drop` stops it, so nothing outlives a test, whether it passes, fails or panics.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// How long the server may take to migrate, load the demo program and bind.
const SERVER_START: Duration = Duration::from_secs(60);
/// How long chromedriver may take to answer its status endpoint.
const DRIVER_START: Duration = Duration::from_secs(20);

/// The workspace root (this file's crate is crates/cli).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_owned())
}

/// An executable the tests need, from `var` or its usual place; a clear failure if missing.
pub fn tool(var: &str, default: &str, what: &str) -> PathBuf {
    let path = PathBuf::from(env_or(var, default));
    assert!(
        path.is_file(),
        "{what} not found at {} (set {var}, or run scripts/test.sh, which installs it)",
        path.display()
    );
    path
}

/// The last `lines` lines of a log file, for failure reports.
fn tail(path: &Path, lines: usize) -> String {
    let mut text = String::new();
    if File::open(path)
        .and_then(|mut f| f.read_to_string(&mut text))
        .is_err()
    {
        return format!("(could not read {})", path.display());
    }
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Sends `sig` to `pid` (a negative id: to that process group). Only ever called with our
/// own children's ids.
fn send(pid: i32, sig: libc::c_int) {
    // SAFETY: kill(2) has no memory effects; it only delivers a signal.
    unsafe {
        libc::kill(pid, sig);
    }
}

/// Has `pid` (our child) exited? Leaves it unreaped, so its id cannot be reused meanwhile.
fn has_exited(pid: i32) -> bool {
    // SAFETY: `info` is a properly sized, zeroed out-parameter; WNOWAIT leaves the child as is.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let r = libc::waitid(
            libc::P_PID,
            pid as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        );
        r == 0 && info.si_pid() != 0
    }
}

/// Stops `child`: SIGTERM, then SIGKILL if it is still there after `grace`; then reaps it.
/// With `group`, the signals go to the child's whole process group (it was started as the
/// leader of a new group), which takes any processes it started down with it.
fn stop(child: &mut Child, group: bool, grace: Duration) {
    let pid = child.id() as i32;
    let target = if group { -pid } else { pid };
    if !has_exited(pid) {
        send(target, libc::SIGTERM);
        let deadline = Instant::now() + grace;
        while !has_exited(pid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(25));
        }
    }
    // The leader is at most a zombie here, so its group id still names only our processes.
    if group || !has_exited(pid) {
        send(target, libc::SIGKILL);
    }
    let _ = child.wait();
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("binding a free port")
        .port()
}

// --- the muster server --------------------------------------------------------------------

/// `muster serve --demo` on a free port of 127.0.0.1, on a fresh database.
pub struct Server {
    /// Where it listens, without the trailing slash: `http://127.0.0.1:PORT`.
    pub url: String,
    pub database_url: String,
    child: Child,
    log: PathBuf,
    // Dropped after `Drop::drop` has stopped the server: first the database, then the files.
    _database: muster_store::testing::TestUrl,
    _dir: TempDir,
}

impl Server {
    /// Starts on a fresh database of the backend MUSTER_TEST_DATABASE names.
    pub async fn start() -> Server {
        let dir = tempfile::Builder::new()
            .prefix("muster-e2e-")
            .tempdir()
            .expect("creating a temporary directory");
        let database = muster_store::testing::fresh_url().await;
        let database_url = database.url.expose().to_owned();
        let log = dir.path().join("server.log");
        let child = Command::new(env!("CARGO_BIN_EXE_muster"))
            .args([
                "serve",
                "--demo",
                "--listen",
                "127.0.0.1:0",
                "--database",
                &database_url,
            ])
            // No stray ./muster.toml or MUSTER_* setting of the caller may change what we test.
            .current_dir(dir.path())
            .env_remove("MUSTER_CONFIG")
            .env_remove("MUSTER_DATABASE")
            .env_remove("MUSTER_LISTEN")
            .env_remove("MUSTER_PROGRAM")
            .env_remove("MUSTER_SECURE_COOKIES")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(File::create(&log).expect("creating the server log"))
            .spawn()
            .expect("starting the muster binary");
        let mut server = Server {
            url: String::new(),
            database_url,
            child,
            log,
            _database: database,
            _dir: dir,
        };

        // Read stdout on a thread (and keep draining it, so the server never blocks on a full
        // pipe) until it says where it listens.
        let stdout = server.child.stdout.take().expect("piped stdout");
        let (lines_tx, lines) = mpsc::channel::<String>();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = lines_tx.send(line);
            }
        });
        let deadline = Instant::now() + SERVER_START;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match lines.recv_timeout(left) {
                Ok(line) => {
                    if let Some(rest) = line.strip_prefix("Muster is running at ") {
                        server.url = rest.trim().trim_end_matches('/').to_owned();
                        break;
                    }
                    seen.push(line);
                }
                Err(e) => panic!(
                    "the server did not say where it runs ({}); stdout so far:\n{}\nserver log:\n{}",
                    if matches!(e, mpsc::RecvTimeoutError::Timeout) {
                        "timed out"
                    } else {
                        "it exited"
                    },
                    seen.join("\n"),
                    tail(&server.log, 40)
                ),
            }
        }
        // The demo sign-ins follow; the tests rely on them, so check they are announced.
        let mut logins = Vec::new();
        while logins.len() < 9 {
            match lines.recv_timeout(Duration::from_secs(5)) {
                Ok(line) if line.contains("@riverbend.example") => logins.push(line),
                Ok(_) => {}
                Err(_) => break,
            }
        }
        assert!(
            logins.iter().any(|l| l.contains("admin@riverbend.example")),
            "the server did not list the demo sign-ins; got {logins:?}"
        );
        server
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM asks for a graceful shutdown; it should take well under the grace period.
        stop(&mut self.child, false, Duration::from_secs(10));
        if std::thread::panicking() {
            eprintln!(
                "--- muster server log (last lines of {}) ---\n{}\n---",
                self.log.display(),
                tail(&self.log, 60)
            );
        }
    }
}

// --- chromedriver + chromium --------------------------------------------------------------

/// chromedriver on a free port, and the directories its Chromium uses.
pub struct Driver {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    /// The Chromium binary to ask chromedriver for.
    pub chromium: PathBuf,
    /// A fresh Chromium profile, removed after the browser is gone.
    pub profile: PathBuf,
    child: Child,
    log: PathBuf,
    _dir: TempDir,
}

/// Does chromedriver at `addr` answer `GET /status` with ready: true?
fn driver_ready(addr: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET /status HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.1 200") && response.replace(' ', "").contains("\"ready\":true")
}

impl Driver {
    pub fn start() -> Driver {
        let chromedriver = tool(
            "MUSTER_CHROMEDRIVER",
            "/usr/bin/chromedriver",
            "chromedriver",
        );
        let chromium = tool("MUSTER_CHROMIUM", "/usr/bin/chromium", "Chromium");
        let dir = tempfile::Builder::new()
            .prefix("muster-e2e-chrome-")
            .tempdir()
            .expect("creating a temporary directory");
        let profile = dir.path().join("profile");
        std::fs::create_dir(&profile).expect("creating the Chromium profile directory");
        let log = dir.path().join("chromedriver.log");

        // The port is free when chosen but could be taken before chromedriver binds it: retry.
        let mut failures = Vec::new();
        for _ in 0..3 {
            let port = free_port();
            let log_file = File::create(&log).expect("creating the chromedriver log");
            let mut child = Command::new(&chromedriver)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(log_file.try_clone().expect("log file handle"))
                .stderr(log_file)
                // Leader of its own process group: stopping the group also stops every
                // Chromium process it launched.
                .process_group(0)
                .spawn()
                .unwrap_or_else(|e| panic!("starting {}: {e}", chromedriver.display()));
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let deadline = Instant::now() + DRIVER_START;
            while Instant::now() < deadline && !has_exited(child.id() as i32) {
                if driver_ready(addr) {
                    return Driver {
                        url: format!("http://{addr}"),
                        chromium,
                        profile,
                        child,
                        log,
                        _dir: dir,
                    };
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            stop(&mut child, true, Duration::from_secs(2));
            failures.push(format!("port {port}: {}", tail(&log, 10)));
        }
        panic!(
            "chromedriver did not become ready:\n{}",
            failures.join("\n")
        );
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        stop(&mut self.child, true, Duration::from_secs(5));
        if std::thread::panicking() {
            eprintln!(
                "--- chromedriver log (last lines of {}) ---\n{}\n---",
                self.log.display(),
                tail(&self.log, 30)
            );
        }
    }
}
