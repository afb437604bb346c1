//! The `muster` command. Thin: it reads configuration, opens the store and hands over to the
//! library crates.
// Unsafe only where the C allocator is tuned (allocator.rs).
#![deny(unsafe_code)]

mod allocator;

mod config;
mod demo;
mod demo_alignment;
mod demo_champions;
mod demo_goals;
mod demo_governance;
mod demo_lessons;
mod demo_plan;
mod demo_readiness;
mod demo_stakeholders;
mod demo_tickets;
mod demo_training;
mod import;
mod readiness;
mod users;

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use muster_domain::access::Actor;
use muster_store::Store;

use crate::config::{DEFAULT_LISTEN, FileConfig};

#[derive(Parser)]
#[command(
    name = "muster",
    version,
    about = "Plan, measure and decide an EHR deployment program"
)]
struct Cli {
    /// Configuration file (default: ./muster.toml when present)
    #[arg(long, global = true, env = "MUSTER_CONFIG")]
    config: Option<PathBuf>,
    /// Database URL: an SQLite file (default sqlite://muster.db) or postgres://...
    #[arg(long, global = true, env = "MUSTER_DATABASE", hide_env_values = true)]
    database: Option<String>,
    /// Program to work on (default: the first one)
    #[arg(long, global = true, env = "MUSTER_PROGRAM")]
    program: Option<i64>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (creates and migrates the database when needed)
    Serve {
        /// Address to listen on
        #[arg(long, env = "MUSTER_LISTEN")]
        listen: Option<String>,
        /// Load the demo program first if the database is empty, and print its logins
        #[arg(long)]
        demo: bool,
        /// Mark cookies Secure (when Muster is served over TLS, directly or via a proxy)
        #[arg(long, env = "MUSTER_SECURE_COOKIES")]
        secure_cookies: Option<bool>,
        /// SMTP relay for notification mail, host:port (no mail when unset)
        #[arg(long, env = "MUSTER_SMTP")]
        smtp: Option<String>,
        /// Sender address of notification mail
        #[arg(long, env = "MUSTER_SMTP_FROM")]
        smtp_from: Option<String>,
        /// Where uploaded import files and rejects files are kept (default: the system
        /// temp directory's muster-imports)
        #[arg(long, env = "MUSTER_IMPORT_DIR")]
        import_dir: Option<PathBuf>,
        /// Largest import file accepted by upload, e.g. 500M or 2G (default 1G)
        #[arg(long, env = "MUSTER_IMPORT_MAX_BYTES")]
        import_max_bytes: Option<String>,
    },
    /// Create or upgrade the database schema
    Migrate,
    /// Manage programs
    #[command(subcommand)]
    Program(ProgramCommand),
    /// Manage accounts
    #[command(subcommand)]
    User(users::UserCommand),
    /// Manage API tokens
    #[command(subcommand)]
    Token(users::TokenCommand),
    /// Load the demo program ("Riverbend Health") into an empty database
    Demo {
        /// small: 6 sites, ~2,000 people; large: 200 sites, 400,000 people (for benchmarks)
        #[arg(long, value_enum, default_value_t = Scale::Small)]
        scale: Scale,
    },
    /// Import records from a file (CSV or XLSX)
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Training upkeep
    #[command(subcommand)]
    Training(TrainingCommand),
    /// Go-live readiness: record assessments
    #[command(subcommand)]
    Readiness(readiness::ReadinessCommand),
    /// Write a consistent copy of the database while it is in use
    Backup {
        /// Where to write the copy (must not exist)
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum ProgramCommand {
    /// Create a program
    Create {
        #[arg(long)]
        name: String,
    },
    /// List programs
    List,
}

#[derive(Subcommand)]
enum TrainingCommand {
    /// Rebuild every person's curriculum progress from the completions and assessments on
    /// record (after loading them with anything but Muster's own import)
    Refresh,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scale {
    Small,
    Large,
}

fn init_logging(file: &FileConfig) {
    use tracing_subscriber::EnvFilter;
    let filter = std::env::var("MUSTER_LOG")
        .ok()
        .or_else(|| file.log.clone())
        .unwrap_or_else(|| "info,sqlx=warn,sea_orm=warn".into());
    let json = std::env::var("MUSTER_LOG_FORMAT")
        .ok()
        .or_else(|| file.log_format.clone())
        .as_deref()
        == Some("json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(filter))
        .with_writer(std::io::stderr);
    if json {
        builder.json().init()
    } else {
        builder.init()
    }
}

fn main() -> anyhow::Result<()> {
    allocator::cap_arenas();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let file = FileConfig::load(cli.config.as_deref())?;
    init_logging(&file);
    let url = config::database_url(cli.database.clone(), &file)?;
    match cli.command {
        Command::Serve {
            listen,
            demo,
            secure_cookies,
            smtp,
            smtp_from,
            import_dir,
            import_max_bytes,
        } => {
            let store = Store::open(&url)
                .await
                .with_context(|| format!("opening {url}"))?;
            let listen = config::pick(listen, file.listen.clone(), DEFAULT_LISTEN);
            let listener = tokio::net::TcpListener::bind(&listen)
                .await
                .with_context(|| format!("listening on {listen}"))?;
            let address = listener.local_addr()?;
            if demo {
                if store.default_program().await?.is_none() {
                    demo::load(&store, Scale::Small).await?;
                }
                println!("Muster is running at http://{address}/");
                demo::print_logins();
            } else {
                println!("Muster is running at http://{address}/");
            }
            let smtp = config::smtp(
                smtp.or(file.smtp.clone()),
                smtp_from.or(file.smtp_from.clone()),
            )?;
            let defaults = muster_web::WebConfig::default();
            let import_max_bytes = match import_max_bytes.or(file.import_max_bytes.clone()) {
                Some(text) => config::bytes(&text)
                    .with_context(|| format!("MUSTER_IMPORT_MAX_BYTES '{text}'"))?,
                None => defaults.import_max_bytes,
            };
            let config = muster_web::WebConfig {
                secure_cookies: secure_cookies.or(file.secure_cookies).unwrap_or(false),
                smtp,
                import_dir: import_dir
                    .or(file.import_dir.clone())
                    .unwrap_or(defaults.import_dir.clone()),
                import_max_bytes,
                ..defaults
            };
            tracing::info!(%address, database = %url, "serving");
            muster_web::serve(
                listener,
                muster_web::AppState::new(store.clone(), config),
                shutdown_signal(),
            )
            .await?;
            store.close().await?;
            tracing::info!("stopped");
        }
        Command::Migrate => {
            Store::open(&url)
                .await
                .with_context(|| format!("opening {url}"))?;
            println!(
                "The database is at schema version {}.",
                muster_store::latest_version()
            );
        }
        Command::Program(ProgramCommand::Create { name }) => {
            let store = Store::open(&url).await?;
            let name = muster_domain::text::Name::parse(&name)
                .map_err(|e| anyhow::anyhow!("--name {e}"))?;
            let program = store.create_program(name).await?;
            println!("Created program {} ({}).", program.id, program.name);
        }
        Command::Program(ProgramCommand::List) => {
            let store = Store::open(&url).await?;
            for p in store.programs().await? {
                println!("{}\t{}", p.id, p.name);
            }
        }
        Command::User(command) => {
            let store = Store::open(&url).await?;
            users::user(&store, operator(&store, cli.program).await?, command).await?;
        }
        Command::Token(command) => {
            let store = Store::open(&url).await?;
            users::token(&store, operator(&store, cli.program).await?, command).await?;
        }
        Command::Demo { scale } => {
            let store = Store::open(&url).await?;
            anyhow::ensure!(
                store.default_program().await?.is_none(),
                "the database already holds a program; the demo loads only into an empty database"
            );
            demo::load(&store, scale).await?;
            demo::print_logins();
        }
        Command::Import(command) => {
            let store = Store::open(&url).await?;
            import::run(&store, operator(&store, cli.program).await?, command).await?;
        }
        Command::Training(TrainingCommand::Refresh) => {
            let store = Store::open(&url).await?;
            let program = operator(&store, cli.program).await?.program_id;
            let started = std::time::Instant::now();
            store.refresh_training_progress(program, None).await?;
            store.analyze().await?;
            println!("Rebuilt training progress in {:.1?}.", started.elapsed());
        }
        Command::Readiness(command) => {
            let store = Store::open(&url).await?;
            readiness::run(&store, operator(&store, cli.program).await?, command).await?;
        }
        Command::Backup { file: target } => backup(&url, &target).await?,
    }
    Ok(())
}

/// The command-line operator acting on the chosen (or first) program.
async fn operator(store: &Store, program: Option<i64>) -> anyhow::Result<Actor> {
    let program = match program {
        Some(id) => store.program(id).await.with_context(|| format!("program {id}"))?,
        None => store
            .default_program()
            .await?
            .context("there is no program yet: create one with `muster program create --name NAME` or load `muster demo`")?,
    };
    Ok(Actor::operator(program.id))
}

async fn backup(url: &muster_store::DatabaseUrl, target: &std::path::Path) -> anyhow::Result<()> {
    anyhow::ensure!(
        !target.exists(),
        "{} already exists; choose a new file",
        target.display()
    );
    match url.backend() {
        muster_store::Backend::Sqlite => {
            let store = Store::open(url).await?;
            // VACUUM INTO writes a transactionally consistent copy while others keep working.
            let quoted = target
                .to_str()
                .context("the backup path must be UTF-8")?
                .replace('\'', "''");
            store
                .execute_raw(&format!("VACUUM INTO '{quoted}'"))
                .await?;
            println!(
                "Wrote a consistent copy of the database to {}.",
                target.display()
            );
        }
        muster_store::Backend::Postgres => {
            println!(
                "For PostgreSQL, use pg_dump (it takes a consistent snapshot while Muster runs):"
            );
            println!(
                "  PGPASSWORD=... pg_dump --format=custom --file '{}' '{}'",
                target.display(),
                url
            );
            println!(
                "Restore with: pg_restore --dbname '<url>' '{}'",
                target.display()
            );
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
